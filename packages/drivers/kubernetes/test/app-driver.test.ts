import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { AppTarget, DesiredApp, SlotSpec } from "@meridian/core";
import { type KubeAppDriverOptions, createKubernetesConnection, resolveKubeconfig } from "@meridian/driver-kubernetes";
import { ensureK8sTestbed } from "@meridian/testing/testbed";
import { afterAll, describe, expect, it } from "vitest";

/** What the Kubernetes app driver does beyond the shared contract, checked on the cluster with kubectl. */
const run = promisify(execFile);
const tb = await ensureK8sTestbed();
const kubectl = (...args: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...args]).then((r) => r.stdout);
const namespace = `apps-k8s-${Date.now().toString(36)}`;
await kubectl("create", "namespace", namespace);
const kubeTarget = resolveKubeconfig(readFileSync(tb.kubeconfigPath, "utf8")).target;
const connections: ReturnType<typeof createKubernetesConnection>[] = [];
const driverWith = (apps: KubeAppDriverOptions) => {
  const c = createKubernetesConnection(kubeTarget, { apps });
  connections.push(c);
  return c.apps;
};
const getJson = async (kind: string, name: string) => JSON.parse(await kubectl("-n", namespace, "get", kind, name, "-o", "json"));
const names = async (app: string) => (await kubectl("-n", namespace, "get", "deploy,svc,ingress,httproute,hpa,secret", "-l", `meridian.dev/app=${app}`, "-o", "name")).split("\n").filter(Boolean).sort();

const slot = (s: "blue" | "green", replicas = 1): SlotSpec => ({
  slot: s,
  releaseId: `r-${s}`,
  releaseNumber: 1,
  image: "127.0.0.1:5000/meridian/testapp:v1",
  ports: [{ name: "http", port: 8080, protocol: "http" }],
  env: {},
  secretEnv: [],
  resources: { requests: { cpu: "50m" } },
  replicas,
  volumes: [],
  rolling: { maxSurge: 1, maxUnavailable: 0 },
});
const app = (name: string, extra: Partial<DesiredApp> = {}): DesiredApp => ({
  target: { app: name, project: "k8s", environment: "test", namespace },
  slots: [slot("blue"), slot("green")],
  traffic: { blue: 80, green: 20 },
  routes: [{ host: `${name}.example.test`, path: "/", port: "http" }],
  autoscaling: null,
  secrets: [],
  ...extra,
});

afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await kubectl("delete", "namespace", namespace, "--wait=false").catch(() => undefined);
});

describe("Kubernetes app driver", () => {
  it("previews removing a slot as deletions and changes nothing", async () => {
    const driver = driverWith({});
    const d = app("preview");
    await driver.applyApp(d, { dryRun: false });
    const before = await names("preview");
    const res = await driver.applyApp({ ...d, slots: [slot("blue")], traffic: { blue: 100 } }, { dryRun: true });
    const removed = res.filter((r) => r.diff.includes("(deleted)")).map((r) => `${r.kind}/${r.name}`);
    expect(removed.sort()).toEqual(["Deployment/preview-green", "Service/preview-green"]);
    expect(res.find((r) => r.kind === "HTTPRoute")?.action).toBe("configured");
    expect(await names("preview")).toEqual(before);
  });

  it("keeps the replicas an autoscaler chose when the app is applied again", async () => {
    const driver = driverWith({});
    const d = app("scaled", { slots: [slot("blue", 2)], traffic: { blue: 100 }, autoscaling: { slot: "blue", min: 1, max: 5, cpuTarget: 50 } });
    await driver.applyApp(d, { dryRun: false });
    // What the HPA controller does when load rises: it writes the scale subresource.
    await kubectl("-n", namespace, "scale", "deployment", "scaled-blue", "--replicas=4");
    expect((await driver.applyApp(d, { dryRun: true })).find((r) => r.kind === "Deployment")?.action).toBe("unchanged");
    await driver.applyApp(d, { dryRun: false });
    expect((await getJson("deployment", "scaled-blue")).spec.replicas).toBe(4);
    expect((await getJson("hpa", "scaled")).spec).toMatchObject({ minReplicas: 1, maxReplicas: 5, scaleTargetRef: { name: "scaled-blue" } });
    // Without autoscaling the spec's count is back, and the HPA is gone.
    await driver.applyApp({ ...d, autoscaling: null }, { dryRun: false });
    expect((await getJson("deployment", "scaled-blue")).spec.replicas).toBe(2);
    expect(await names("scaled")).not.toContain("horizontalpodautoscaler.autoscaling/scaled");
  });

  it("moves traffic on Ingress objects, keeping TLS, and switches the app Service to the active slot", async () => {
    const driver = driverWith({ routing: "ingress", ingressClassName: "nginx" });
    const d = app("ing", { certificates: [{ host: "ing.example.test", certPem: "CERT", keyPem: "KEY" }] });
    await driver.applyApp(d, { dryRun: false });
    expect((await getJson("ingress", "ing-canary")).metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]).toBe("20");
    await driver.setTraffic(d.target, d.routes, { blue: 30, green: 70 });
    const main = await getJson("ingress", "ing");
    expect(main.spec.tls).toEqual([{ hosts: ["ing.example.test"], secretName: "ing-tls-ing-example-test" }]);
    expect(main.spec.ingressClassName).toBe("nginx");
    expect(main.spec.rules[0].http.paths[0].backend.service.name).toBe("ing-green");
    expect((await getJson("ingress", "ing-canary")).metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]).toBe("30");
    expect((await getJson("service", "ing")).spec.selector["meridian.dev/slot"]).toBe("green");
    expect((await getJson("secret", "ing-tls-ing-example-test")).type).toBe("kubernetes.io/tls");
    await driver.setTraffic(d.target, d.routes, { blue: 0, green: 100 });
    expect(await names("ing")).not.toContain("ingress.networking.k8s.io/ing-canary");
    expect((await driver.observeApp(d.target)).traffic).toEqual({ blue: 0, green: 100 });
  });

  it("switches an app from Ingress to HTTPRoute routing, removing the Ingress objects", async () => {
    const d = app("switch");
    await driverWith({ routing: "ingress" }).applyApp(d, { dryRun: false });
    expect(await names("switch")).toContain("ingress.networking.k8s.io/switch-canary");
    await driverWith({ routing: "auto", gateway: { name: "edge", namespace: "gateways" } }).applyApp(d, { dryRun: false });
    const now = await names("switch");
    expect(now.filter((n) => n.startsWith("ingress"))).toEqual([]);
    const route = await getJson("httproute", "switch");
    expect(route.spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "gateways" }]);
    expect(route.spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => `${b.name}=${b.weight}`)).toEqual(["switch-blue=80", "switch-green=20"]);
  });

  it("rejects an invalid desired state before touching the cluster", async () => {
    const driver = driverWith({});
    await expect(driver.applyApp(app("bad", { traffic: { blue: 80, green: 30 } }), { dryRun: false })).rejects.toMatchObject({ code: "invalid_input" });
    expect(await names("bad")).toEqual([]);
    const t: AppTarget = { app: "bad", project: "k8s", environment: "test", namespace };
    await expect(driver.setTraffic(t, [], { blue: 50 })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("deletes an app that never existed without complaint", async () => {
    const t: AppTarget = { app: "never", project: "k8s", environment: "test", namespace };
    await driverWith({}).deleteApp(t);
    expect((await driverWith({}).observeApp(t)).exists).toBe(false);
  });
});
