import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { TestbedError, logStep } from "../lib/log.js";
import { isCommandAvailable, runCommand, waitFor } from "../lib/run.js";
import { type K8sContext, getKubeconfigPath } from "./context.js";
import { type KubeApi, sendOk } from "./kube-api.js";

/**
 * Gateway API CRDs (standard channel), so the app driver's HTTPRoute path runs against a real API server. No
 * gateway controller runs (KWOK pods run nothing); the routes are stored and validated, which is what the
 * driver's contract needs. Pinned here rather than in lib/config.ts so that adding it does not change the
 * binary cache key (and force a rebuild of every binary).
 */
export const gatewayApiVersion = "v1.2.1";
const module = `sigs.k8s.io/gateway-api@${gatewayApiVersion}`;

function getCrdDir(ctx: K8sContext): string {
  return join(ctx.paths.data, `gateway-api-${gatewayApiVersion}`);
}

/** Copies config/crd/standard/*.yaml out of the Go module cache (fetched from the module proxy once). */
async function cacheCrds(ctx: K8sContext): Promise<string> {
  const dir = getCrdDir(ctx);
  if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".yaml"))) return dir;
  if (!(await isCommandAvailable("go"))) throw new TestbedError(`Go is needed once to fetch ${module} (go not found on PATH)`);
  logStep(`gateway-api ${gatewayApiVersion}: go mod download`);
  const { stdout } = await runCommand(["go", "mod", "download", "-json", module], {
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-modcacherw" },
  });
  const src = join((JSON.parse(stdout) as { Dir: string }).Dir, "config", "crd", "standard");
  const files = readdirSync(src).filter((f) => f.endsWith(".yaml"));
  if (files.length === 0) throw new TestbedError(`${module} has no CRDs in config/crd/standard`);
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyFileSync(join(src, f), join(dir, f));
  return dir;
}

export async function isGatewayApiServed(api: KubeApi): Promise<boolean> {
  const res = await api.send("GET", "/apis/gateway.networking.k8s.io/v1");
  if (res.status !== 200) return false;
  const resources = (res.body as { resources?: { name: string }[] }).resources ?? [];
  return resources.some((r) => r.name === "httproutes");
}

/**
 * Installs the CRDs with server-side apply (they exceed the client-side apply annotation limit) and waits
 * until the API server serves HTTPRoute. Idempotent: a second run applies the same objects unchanged.
 */
export async function installGatewayApi(ctx: K8sContext, api: KubeApi): Promise<void> {
  const dir = await cacheCrds(ctx);
  const kubectl = join(ctx.paths.bin, "kubectl");
  await runCommand([kubectl, "--kubeconfig", getKubeconfigPath(ctx, "admin"), "apply", "--server-side", "--force-conflicts", "--field-manager", "meridian-testbed", "-f", dir]);
  await sendOk(api, "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httproutes.gateway.networking.k8s.io");
  await waitFor("gateway.networking.k8s.io/v1 HTTPRoute served", async () => isGatewayApiServed(api), 60_000);
}
