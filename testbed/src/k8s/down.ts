import { rmSync } from "node:fs";
import { TestbedError, logStep } from "../lib/log.js";
import { findDaemon, readDaemonSpec, startDaemon, stopDaemon } from "../lib/processes.js";
import { k8sComponents } from "./components.js";
import { createAdminApi, getK8sContext, readK8sState } from "./context.js";
import { waitForApiserver } from "./up.js";

/** Stops every component we started (reverse order) and deletes the run dir unless keep is set. */
export async function stopK8sTestbed(options: { keep?: boolean } = {}): Promise<void> {
  const ctx = getK8sContext();
  let stopped = 0;
  for (const name of [...k8sComponents].reverse()) {
    if (await stopDaemon(ctx.runDir, name)) stopped++;
  }
  if (!options.keep) rmSync(ctx.runDir, { recursive: true, force: true });
  logStep(stopped === 0 ? "k8s testbed was not running" : `k8s testbed stopped (${stopped} process(es))`);
}

/** Failure knob: stop the apiserver (a control-plane outage); etcd, controllers and KWOK keep running. */
export async function stopApiserver(): Promise<void> {
  const ctx = getK8sContext();
  await stopDaemon(ctx.runDir, "kube-apiserver");
}

/** Restarts the apiserver with the argv it was started with and waits for /readyz. */
export async function startApiserver(): Promise<void> {
  const ctx = getK8sContext();
  if (readK8sState(ctx) === undefined) throw new TestbedError("the k8s testbed is not up (run `k8s up` first)");
  const spec = readDaemonSpec(ctx.runDir, "kube-apiserver");
  if (spec === undefined) throw new TestbedError("no saved kube-apiserver spec; run `k8s up`");
  if (findDaemon(ctx.runDir, "kube-apiserver") === undefined) {
    logStep("starting kube-apiserver");
    await startDaemon(ctx.runDir, spec);
  }
  const api = createAdminApi(ctx);
  try {
    await waitForApiserver(ctx, api);
  } finally {
    api.close();
  }
}
