import { existsSync } from "node:fs";
import { findDaemon, readRssMiB } from "../lib/processes.js";
import { k8sComponents } from "./components.js";
import { createAdminApi, getK8sContext, getKubeconfigPath, readK8sState } from "./context.js";
import { isApiReady } from "./kube-api.js";
import { isNodeReady, listTestbedNodes } from "./node-ops.js";

export type K8sStatus = {
  running: boolean;
  ready: boolean;
  server: string;
  kubeconfigPath: string;
  restrictedKubeconfigPath: string;
  /** Directory holding kubectl, helm, kustomize and the control-plane binaries. */
  binDir: string;
  components: Record<string, { pid?: number; rssMiB?: number }>;
  nodes?: { total: number; ready: number };
  metrics: boolean;
};

/** Reports what runs (from pid files) and whether the API answers; never starts or stops anything. */
export async function getK8sStatus(): Promise<K8sStatus> {
  const ctx = getK8sContext();
  const components: K8sStatus["components"] = {};
  for (const name of k8sComponents) {
    const pid = findDaemon(ctx.runDir, name);
    components[name] = pid === undefined ? {} : { pid, rssMiB: readRssMiB(pid) };
  }
  const state = readK8sState(ctx);
  const status: K8sStatus = {
    running: Object.values(components).some((c) => c.pid !== undefined),
    ready: false,
    server: ctx.server,
    kubeconfigPath: getKubeconfigPath(ctx, "admin"),
    restrictedKubeconfigPath: getKubeconfigPath(ctx, "restricted"),
    binDir: ctx.paths.bin,
    components,
    metrics: state?.metrics ?? false,
  };
  if (components["kube-apiserver"]?.pid === undefined || !existsSync(status.kubeconfigPath)) return status;
  const api = createAdminApi(ctx);
  try {
    if (!(await isApiReady(api))) return status;
    const nodes = await listTestbedNodes(api);
    status.nodes = { total: nodes.length, ready: nodes.filter(isNodeReady).length };
    const required = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"];
    status.ready = required.every((name) => components[name]?.pid !== undefined) && status.nodes.ready > 0;
  } finally {
    api.close();
  }
  return status;
}

export function formatK8sStatus(status: K8sStatus): string {
  const lines = [`k8s testbed: ${status.ready ? "ready" : status.running ? "running, not ready" : "down"} (${status.server})`];
  for (const [name, c] of Object.entries(status.components)) {
    lines.push(`  ${name.padEnd(24)} ${c.pid === undefined ? "stopped" : `pid ${c.pid}, ${c.rssMiB ?? "?"} MiB RSS`}`);
  }
  if (status.nodes) lines.push(`  nodes: ${status.nodes.ready}/${status.nodes.total} Ready`);
  return lines.join("\n");
}

export function formatK8sEnv(): string {
  const ctx = getK8sContext();
  return [
    `export KUBECONFIG=${getKubeconfigPath(ctx, "admin")}`,
    `export MERIDIAN_TEST_KUBECONFIG=${getKubeconfigPath(ctx, "admin")}`,
    `export MERIDIAN_TEST_RESTRICTED_KUBECONFIG=${getKubeconfigPath(ctx, "restricted")}`,
    `export PATH=${ctx.paths.bin}:$PATH`,
    `# restricted user (view cluster-wide, edit in namespace team-a): ${getKubeconfigPath(ctx, "restricted")}`,
  ].join("\n");
}
