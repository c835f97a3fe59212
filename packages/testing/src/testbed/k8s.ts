import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runTestbedCli } from "./cli.js";

export type K8sTestbed = {
  /** Admin (system:masters) kubeconfig. */
  kubeconfigPath: string;
  /** Restricted user (view cluster-wide, edit in namespace team-a); undefined for an external cluster without one. */
  restrictedKubeconfigPath: string | undefined;
  server: string;
  /** kubectl to use with these kubeconfigs (the testbed's pinned build, or `kubectl` from PATH if external). */
  kubectl: string;
  /** True when MERIDIAN_TEST_KUBECONFIG pointed at an existing cluster (knobs are then unavailable). */
  external: boolean;
};

export type EnsureK8sOptions = { nodes?: number; metrics?: boolean };

type K8sStatus = {
  ready: boolean;
  server: string;
  kubeconfigPath: string;
  restrictedKubeconfigPath: string;
  binDir: string;
  nodes?: { total: number; ready: number };
  metrics: boolean;
};

async function readK8sStatus(): Promise<K8sStatus> {
  return JSON.parse(await runTestbedCli(["k8s", "status", "--json"])) as K8sStatus;
}

function readServer(kubeconfigPath: string): string {
  const text = readFileSync(kubeconfigPath, "utf8");
  return /"?server"?\s*:\s*"?([^"\s,]+)/.exec(text)?.[1] ?? "";
}

function isSufficient(status: K8sStatus, options: EnsureK8sOptions): boolean {
  return status.ready && (status.nodes?.ready ?? 0) >= (options.nodes ?? 1) && (!options.metrics || status.metrics);
}

/**
 * Returns a running Kubernetes testbed: the cluster named by MERIDIAN_TEST_KUBECONFIG if set, else the local
 * testbed, reused when `k8s status` says it is ready and started with `k8s up` otherwise (a cold first build can
 * take ~10 minutes, so give the calling hook a generous timeout).
 */
export async function ensureK8sTestbed(options: EnsureK8sOptions = {}): Promise<K8sTestbed> {
  const external = process.env.MERIDIAN_TEST_KUBECONFIG;
  if (external) {
    return {
      kubeconfigPath: external,
      restrictedKubeconfigPath: process.env.MERIDIAN_TEST_RESTRICTED_KUBECONFIG || undefined,
      server: readServer(external),
      kubectl: "kubectl",
      external: true,
    };
  }
  let status = await readK8sStatus();
  if (!isSufficient(status, options)) {
    const args = ["k8s", "up"];
    if (options.nodes !== undefined) args.push("--nodes", String(options.nodes));
    if (options.metrics) args.push("--metrics");
    await runTestbedCli(args);
    status = await readK8sStatus();
  }
  return {
    kubeconfigPath: status.kubeconfigPath,
    restrictedKubeconfigPath: status.restrictedKubeconfigPath,
    server: status.server,
    kubectl: join(status.binDir, "kubectl"),
    external: false,
  };
}

function assertLocal(testbed: K8sTestbed, knob: string): void {
  if (testbed.external) throw new Error(`${knob} needs the local testbed, not MERIDIAN_TEST_KUBECONFIG`);
}

/** Outage knob: stop the kube-apiserver (etcd, controllers and KWOK keep running). */
export async function stopK8sApiserver(testbed: K8sTestbed): Promise<void> {
  assertLocal(testbed, "stopK8sApiserver");
  await runTestbedCli(["k8s", "apiserver", "stop"]);
}

/** Restart the kube-apiserver with its original flags and wait until /readyz answers. */
export async function startK8sApiserver(testbed: K8sTestbed): Promise<void> {
  assertLocal(testbed, "startK8sApiserver");
  await runTestbedCli(["k8s", "apiserver", "start"]);
}

/** Node knob: ready=false stops KWOK heartbeats and sets Ready=False; ready=true hands the node back to KWOK. */
export async function setK8sNodeReady(testbed: K8sTestbed, nodeName: string, ready: boolean): Promise<void> {
  assertLocal(testbed, "setK8sNodeReady");
  await runTestbedCli(["k8s", "node", ready ? "ready" : "not-ready", nodeName]);
}
