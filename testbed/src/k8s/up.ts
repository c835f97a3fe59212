import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildTestbedBinaries } from "../build/go-build.js";
import { TestbedError, logStep } from "../lib/log.js";
import { assertDiskFree, assertPortsFree } from "../lib/preflight.js";
import { findDaemon, readLogTail, startDaemon } from "../lib/processes.js";
import { waitFor } from "../lib/run.js";
import { type K8sComponent, getComponentPort, getComponentSpec, writeKwokConfig } from "./components.js";
import { type K8sContext, type K8sState, createAdminApi, getK8sContext, readK8sState, writeK8sState } from "./context.js";
import { installGatewayApi } from "./gateway-api.js";
import { type KubeApi, isApiReady, sendOk } from "./kube-api.js";
import { writeKubeconfig } from "./kubeconfig.js";
import { registerMetricsApi } from "./metrics.js";
import { createNodes, waitForNodesReady } from "./node-ops.js";
import { createPki } from "./pki.js";
import { applyRestrictedUserRbac } from "./rbac.js";

export type K8sUpOptions = { nodes?: number; metrics?: boolean; disableQpsLimits?: boolean };

const kubeconfigUsers = ["admin", "restricted", "kube-controller-manager", "kube-scheduler", "kwok", "metrics-server"];

async function startComponent(ctx: K8sContext, name: K8sComponent, state: K8sState): Promise<void> {
  if (findDaemon(ctx.runDir, name) !== undefined) return;
  await assertPortsFree(getComponentPort(ctx, name));
  logStep(`starting ${name}`);
  await startDaemon(ctx.runDir, getComponentSpec(ctx, name, state.disableQpsLimits));
}

async function isEtcdHealthy(ctx: K8sContext): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${ctx.ports.etcdClient}/health`);
  return res.ok && ((await res.json()) as { health?: string }).health === "true";
}

export async function waitForApiserver(ctx: K8sContext, api: KubeApi, timeoutMs = 120_000): Promise<void> {
  try {
    await waitFor("kube-apiserver /readyz", () => isApiReady(api), timeoutMs);
  } catch (error) {
    throw new TestbedError(`${(error as Error).message}\n${readLogTail(join(ctx.runDir, "logs", "kube-apiserver.log"))}`);
  }
}

/** Starts (or completes) the Kubernetes testbed. Idempotent: running components are left alone. */
export async function startK8sTestbed(options: K8sUpOptions = {}): Promise<K8sContext> {
  const ctx = getK8sContext();
  const previous = readK8sState(ctx);
  const state: K8sState = {
    nodes: options.nodes ?? previous?.nodes ?? 3,
    metrics: options.metrics ?? previous?.metrics ?? false,
    disableQpsLimits: options.disableQpsLimits ?? previous?.disableQpsLimits ?? false,
  };
  await buildTestbedBinaries(ctx.paths);
  assertDiskFree(ctx.runDir, 2, "the Kubernetes testbed (etcd data, logs)");
  mkdirSync(ctx.kubeconfigDir, { recursive: true });
  await createPki(ctx.pkiDir);
  for (const user of kubeconfigUsers) {
    writeKubeconfig({ pkiDir: ctx.pkiDir, dir: ctx.kubeconfigDir, user, server: ctx.server });
  }
  writeK8sState(ctx, state);

  await startComponent(ctx, "etcd", state);
  await waitFor("etcd health", () => isEtcdHealthy(ctx), 60_000);
  await startComponent(ctx, "kube-apiserver", state);
  const api = createAdminApi(ctx);
  try {
    await waitForApiserver(ctx, api);
    await startComponent(ctx, "kube-controller-manager", state);
    await startComponent(ctx, "kube-scheduler", state);
    writeKwokConfig(ctx);
    await startComponent(ctx, "kwok", state);
    await applyRestrictedUserRbac(api);
    await installGatewayApi(ctx, api);
    await createNodes(api, state.nodes);
    await waitForNodesReady(api, state.nodes, 300_000);
    await waitFor(
      "ServiceAccount default/default (kube-controller-manager)",
      async () => (await api.send("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status === 200,
      120_000,
    );
    if (state.metrics) {
      await startComponent(ctx, "metrics-server", state);
      await registerMetricsApi(api, ctx.ports.metricsServer);
      await waitFor(
        "metrics.k8s.io available",
        async () => (await sendOk(api, "GET", "/apis/metrics.k8s.io/v1beta1/nodes")).status === 200,
        120_000,
        2000,
      );
    }
  } finally {
    api.close();
  }
  logStep(`k8s testbed up: ${state.nodes} KWOK node(s) at ${ctx.server}; run \`npm run testbed -- k8s env\``);
  return ctx;
}
