import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { AppTarget } from "@meridian/core";
import { type KubeAppDriverOptions, createKubernetesConnection, resolveKubeconfig } from "@meridian/driver-kubernetes";
import { describeAppDriverContract } from "@meridian/testing/app-contract";
import { ensureK8sTestbed } from "@meridian/testing/testbed";
import { afterAll } from "vitest";

const run = promisify(execFile);
const tb = await ensureK8sTestbed();
const kubectl = (...args: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...args]).then((r) => r.stdout);
const suffix = Date.now().toString(36);
const target = resolveKubeconfig(readFileSync(tb.kubeconfigPath, "utf8")).target;
const connections: ReturnType<typeof createKubernetesConnection>[] = [];
const namespaces: string[] = [];

// The testbed installs the Gateway API CRDs on `k8s up`; a testbed started before that gets them from a second up.
const served = await kubectl("api-resources", "--api-group=gateway.networking.k8s.io", "-o", "name");
if (!served.includes("httproutes")) throw new Error("the testbed does not serve HTTPRoute: run `npm run testbed -- k8s up` (it installs the Gateway API CRDs)");

/** Names of everything labelled for the app, read with kubectl rather than through the driver. */
async function listObjects(t: AppTarget): Promise<string[]> {
  const out = await kubectl("-n", t.namespace, "get", "all,secret,ingress,hpa,httproute,pvc", "-l", `meridian.dev/app=${t.app}`, "-o", "name");
  return out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .sort();
}

// Both routing paths run the whole contract: HTTPRoute (the testbed serves the Gateway API) and Ingress (forced).
for (const [label, apps] of [
  ["gateway", { routing: "auto" }],
  ["ingress", { routing: "ingress" }],
] as [string, KubeAppDriverOptions][]) {
  const namespace = `apps-${label}-${suffix}`;
  namespaces.push(namespace);
  await kubectl("create", "namespace", namespace);
  describeAppDriverContract({
    runtime: "kubernetes",
    driver: () => {
      const c = createKubernetesConnection(target, { apps });
      connections.push(c);
      return c.apps;
    },
    namespace,
    images: { v1: "127.0.0.1:5000/meridian/testapp:v1", v2: "127.0.0.1:5000/meridian/testapp:v2" },
    listObjects,
    skip: {
      traffic: "KWOK pods run no containers and the testbed has no gateway or ingress controller, so no request reaches a pod",
      failingHealth: "KWOK marks pods ready without running them, so a failing health check cannot happen on the testbed",
    },
  });
}

afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  for (const ns of namespaces) await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
});
