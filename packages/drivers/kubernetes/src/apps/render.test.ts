import type { DesiredApp, SlotSpec } from "@meridian/core";
import { describe, expect, it } from "vitest";
import type { Obj } from "./names.js";
import { type RenderOptions, renderApp } from "./render.js";

const target = { app: "web", project: "shop", environment: "prod", namespace: "shop-prod" };
const slot = (s: "blue" | "green", extra: Partial<SlotSpec> = {}): SlotSpec => ({
  slot: s,
  releaseId: `rel-${s}`,
  releaseNumber: s === "blue" ? 4 : 5,
  image: `registry.example/web:${s}`,
  ports: [
    { name: "http", port: 8080, protocol: "http" },
    { name: "admin", port: 9000, protocol: "tcp" },
  ],
  env: { ZED: "z", ALPHA: "a" },
  secretEnv: [{ env: "DB_PASSWORD", secret: "web-db-v3", key: "password" }],
  resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m" } },
  replicas: 3,
  readiness: { http: { path: "/healthz", port: "http" }, initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
  liveness: { command: ["/bin/check"], initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 5 },
  volumes: [{ name: "data", mountPath: "/var/data", size: "2Gi" }],
  rolling: { maxSurge: 2, maxUnavailable: 1 },
  ...extra,
});
const desired = (extra: Partial<DesiredApp> = {}): DesiredApp => ({
  target,
  slots: [slot("blue"), slot("green")],
  traffic: { blue: 80, green: 20 },
  routes: [{ host: "web.example.com", path: "/", port: "http" }],
  autoscaling: null,
  secrets: [{ name: "web-db-v3", data: { password: "hunter2" } }],
  ...extra,
});
const gateway: RenderOptions = { routing: "gateway", gateway: { name: "meridian", namespace: "shop-prod" }, liveReplicas: {} };
const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
  return o;
};

describe("renderApp", () => {
  it("renders every object in apply order, all labelled for the app and in its namespace", () => {
    const objs = renderApp(desired(), gateway);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Secret/web-db-v3",
      "PersistentVolumeClaim/web-data",
      "Deployment/web-blue",
      "Deployment/web-green",
      "Service/web-blue",
      "Service/web-green",
      "Service/web",
      "HTTPRoute/web",
    ]);
    for (const o of objs) {
      expect(o.metadata.namespace).toBe("shop-prod");
      expect(o.metadata.labels).toMatchObject({ "app.kubernetes.io/managed-by": "meridian", "meridian.dev/app": "web", "meridian.dev/project": "shop", "meridian.dev/environment": "prod" });
    }
  });

  it("renders a slot's Deployment from its spec", () => {
    const dep = find(renderApp(desired(), gateway), "Deployment", "web-green");
    expect(dep.metadata.labels).toMatchObject({ "meridian.dev/slot": "green", "meridian.dev/release": "rel-green" });
    expect(dep.metadata.annotations).toEqual({ "meridian.dev/release-id": "rel-green", "meridian.dev/release-number": "5" });
    expect(dep.spec.selector).toEqual({ matchLabels: { "meridian.dev/app": "web", "meridian.dev/slot": "green" } });
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.progressDeadlineSeconds).toBe(120);
    expect(dep.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } });
    expect(dep.spec.template.metadata.labels["meridian.dev/release"]).toBe("rel-green");
    const c = dep.spec.template.spec.containers[0];
    expect(c).toMatchObject({
      name: "app",
      image: "registry.example/web:green",
      ports: [
        { name: "http", containerPort: 8080, protocol: "TCP" },
        { name: "admin", containerPort: 9000, protocol: "TCP" },
      ],
      resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m" } },
      readinessProbe: { httpGet: { path: "/healthz", port: "http" }, initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
      livenessProbe: { exec: { command: ["/bin/check"] }, initialDelaySeconds: 10, failureThreshold: 5 },
      volumeMounts: [{ name: "data", mountPath: "/var/data" }],
    });
    expect(c.env).toEqual([
      { name: "ALPHA", value: "a" },
      { name: "ZED", value: "z" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "web-db-v3", key: "password" } } },
    ]);
    expect(c.command).toBeUndefined();
    expect(dep.spec.template.spec.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "web-data" } }]);
  });

  it.each([
    ["tcp probe, command and args", { readiness: { tcp: { port: 8080 }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 }, command: ["/app"], args: ["--serve"] }, { readinessProbe: { tcpSocket: { port: 8080 } }, command: ["/app"], args: ["--serve"] }],
  ] as [string, Partial<SlotSpec>, Obj][])("renders %s", (_, extra, want) => {
    const dep = find(renderApp(desired({ slots: [slot("blue", extra)], traffic: { blue: 100 } }), gateway), "Deployment", "web-blue");
    expect(dep.spec.template.spec.containers[0]).toMatchObject(want);
  });

  it("leaves out probes and volumes a slot does not have", () => {
    const dep = find(renderApp(desired({ slots: [slot("blue", { readiness: undefined, liveness: undefined, volumes: [] })], traffic: { blue: 100 } }), gateway), "Deployment", "web-blue");
    expect(Object.keys(dep.spec.template.spec.containers[0]).sort()).toEqual(["env", "image", "name", "ports", "resources"]);
    expect(dep.spec.template.spec.volumes).toBeUndefined();
  });

  it("puts placement constraints into the pod spec", () => {
    const spec = { ...slot("blue"), placement: { constraints: ["node.labels.zone==a"] } };
    const dep = find(renderApp(desired({ slots: [spec], traffic: { blue: 100 } }), gateway), "Deployment", "web-blue");
    expect(dep.spec.template.spec.nodeSelector).toEqual({ zone: "a" });
  });

  it("gives a rollout room to move when the spec allows neither surge nor unavailability", () => {
    const dep = find(renderApp(desired({ slots: [slot("blue", { rolling: { maxSurge: 0, maxUnavailable: 0 } })], traffic: { blue: 100 } }), gateway), "Deployment", "web-blue");
    expect(dep.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it("labels a release id that is no label value by its number", () => {
    const dep = find(renderApp(desired({ slots: [slot("blue", { releaseId: "release/with spaces" })], traffic: { blue: 100 } }), gateway), "Deployment", "web-blue");
    expect(dep.metadata.labels["meridian.dev/release"]).toBe("r4");
    expect(dep.metadata.annotations["meridian.dev/release-id"]).toBe("release/with spaces");
  });

  it.each([
    ["the HPA's live count", { blue: 5 }, 5],
    ["the spec's count clamped to the range when there is no live Deployment", {}, 3],
    ["the live count clamped to max", { blue: 12 }, 8],
    ["the live count clamped to min", { blue: 0 }, 2],
  ] as [string, RenderOptions["liveReplicas"], number][])("an autoscaled slot keeps %s", (_, liveReplicas, want) => {
    const objs = renderApp(desired({ autoscaling: { slot: "blue", min: 2, max: 8, cpuTarget: 70 } }), { ...gateway, liveReplicas });
    expect(find(objs, "Deployment", "web-blue").spec.replicas).toBe(want);
    expect(find(objs, "Deployment", "web-green").spec.replicas).toBe(3);
    expect(find(objs, "HorizontalPodAutoscaler", "web").spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web-blue" },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    });
  });

  it("materializes secrets as immutable Opaque Secrets and certificates as TLS Secrets", () => {
    const objs = renderApp(desired({ certificates: [{ host: "*.example.com", certPem: "CERT", keyPem: "KEY" }] }), gateway);
    expect(find(objs, "Secret", "web-db-v3")).toMatchObject({ type: "Opaque", immutable: true, data: { password: Buffer.from("hunter2").toString("base64") } });
    const tls = find(objs, "Secret", "web-tls-wildcard-example-com");
    expect(tls).toMatchObject({ type: "kubernetes.io/tls", data: { "tls.crt": Buffer.from("CERT").toString("base64"), "tls.key": Buffer.from("KEY").toString("base64") } });
    expect(tls.immutable).toBeUndefined();
  });

  it("shares one claim per volume between the slots", () => {
    const claims = renderApp(desired(), gateway).filter((o) => o.kind === "PersistentVolumeClaim");
    expect(claims).toHaveLength(1);
    expect(claims[0]?.spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } });
  });

  it("renders per-slot Services on every port and the app Service on the active slot", () => {
    const objs = renderApp(desired({ traffic: { blue: 10, green: 90 } }), gateway);
    expect(find(objs, "Service", "web-blue").spec).toEqual({
      type: "ClusterIP",
      selector: { "meridian.dev/app": "web", "meridian.dev/slot": "blue" },
      ports: [
        { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
        { name: "admin", port: 9000, targetPort: "admin", protocol: "TCP" },
      ],
    });
    expect(find(objs, "Service", "web").spec.selector).toEqual({ "meridian.dev/app": "web", "meridian.dev/slot": "green" });
  });

  it("renders no Services for a slot without ports and nothing routed for an app without slots", () => {
    const worker = renderApp(desired({ slots: [slot("blue", { ports: [], readiness: undefined, liveness: undefined })], traffic: { blue: 100 }, routes: [] }), gateway);
    expect(worker.filter((o) => o.kind === "Service")).toEqual([]);
    expect(renderApp(desired({ slots: [], traffic: {}, secrets: [] }), gateway)).toEqual([]);
  });
});
