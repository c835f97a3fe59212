import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { logStep } from "../lib/log.js";
import { findDaemon, readRssMiB } from "../lib/processes.js";
import { sleep, waitFor } from "../lib/run.js";
import { k8sComponents } from "./components.js";
import { createAdminApi, readK8sState } from "./context.js";
import { type KubeApi, runConcurrently, sendOk } from "./kube-api.js";
import { createNodes, isNodeReady, listTestbedNodes } from "./node-ops.js";
import { startK8sTestbed } from "./up.js";

export type ScaleOptions = { nodes: number; pods: number; podsPerDeployment?: number; timeoutMs?: number };

export type ScaleResult = {
  nodes: number;
  pods: number;
  qpsLimitsDisabled: boolean;
  seconds: { nodesCreated: number; nodesReady: number; podsRunning?: number };
  podsRunning: number;
  podsPerSecond?: number;
  rssMiB: { peak: Record<string, number>; end: Record<string, number> };
  etcdDbMiB?: number;
};

const namespace = "scale";

function createScaleDeployment(name: string, replicas: number): Record<string, unknown> {
  return {
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, "meridian.dev/scale": "true" } },
        spec: {
          containers: [
            {
              name: "app",
              image: "registry.invalid/meridian/scale:1",
              resources: { requests: { cpu: "10m", memory: "16Mi" } },
            },
          ],
        },
      },
    },
  };
}

function sampleRss(runDir: string, peak: Record<string, number>): Record<string, number> {
  const now: Record<string, number> = {};
  for (const name of k8sComponents) {
    const pid = findDaemon(runDir, name);
    const rss = pid === undefined ? undefined : readRssMiB(pid);
    if (rss === undefined) continue;
    now[name] = rss;
    peak[name] = Math.max(peak[name] ?? 0, rss);
  }
  return now;
}

const metadataOnly = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/** Counts Running pods from the apiserver (metadata-only pages, filtered by phase), not from lagging controller status. */
async function countRunningPods(api: KubeApi): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const query = `fieldSelector=status.phase%3DRunning&limit=10000${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
    const res = await api.send("GET", `/api/v1/namespaces/${namespace}/pods?${query}`, undefined, undefined, metadataOnly);
    if (res.status !== 200) throw new Error(`list pods: HTTP ${res.status}`);
    const body = res.body as { items: unknown[] | null; metadata: { continue?: string } };
    count += (body.items ?? []).length;
    token = body.metadata.continue || undefined;
  } while (token);
  return count;
}

/**
 * Grows the cluster to `nodes` KWOK nodes and `pods` pods (Deployments in namespace scale, scheduled by the real
 * scheduler) and measures time to all nodes Ready, all pods Running, and control-plane RSS.
 */
export async function runK8sScale(options: ScaleOptions): Promise<ScaleResult> {
  const ctx = await startK8sTestbed({ disableQpsLimits: true });
  const state = readK8sState(ctx);
  if (state && !state.disableQpsLimits) {
    logStep("warning: the running cluster keeps default QPS/APF limits; `k8s down` first for unthrottled figures");
  }
  const api = createAdminApi(ctx);
  const peak: Record<string, number> = {};
  const sampler = setInterval(() => sampleRss(ctx.runDir, peak), 1000);
  const timeoutMs = options.timeoutMs ?? 45 * 60_000;
  try {
    const started = Date.now();
    const elapsed = () => Math.round((Date.now() - started) / 100) / 10;
    await createNodes(api, options.nodes, 32);
    const nodesCreated = elapsed();
    logStep(`nodes created after ${nodesCreated}s; waiting for Ready`);
    await waitFor(
      `${options.nodes} Ready nodes`,
      async () => (await listTestbedNodes(api)).filter(isNodeReady).length >= options.nodes,
      timeoutMs,
      2000,
    );
    const nodesReady = elapsed();
    logStep(`${options.nodes} nodes Ready after ${nodesReady}s; creating ${options.pods} pods`);
    await sendOk(api, "POST", "/api/v1/namespaces", { metadata: { name: namespace } }, { okStatuses: [409] });
    const perDeployment = options.podsPerDeployment ?? 500;
    const names: { name: string; replicas: number }[] = [];
    for (let made = 0, i = 0; made < options.pods; i++) {
      const replicas = Math.min(perDeployment, options.pods - made);
      names.push({ name: `scale-${i}`, replicas });
      made += replicas;
    }
    const podsStarted = Date.now();
    await runConcurrently(names, 8, async ({ name, replicas }) => {
      const res = await api.send("POST", `/apis/apps/v1/namespaces/${namespace}/deployments`, createScaleDeployment(name, replicas));
      if (res.status === 409) {
        await sendOk(api, "PATCH", `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, { spec: { replicas } }, {
          contentType: "application/merge-patch+json",
        });
      } else if (res.status >= 300) {
        throw new Error(`create deployment ${name}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      }
    });
    let podsRunning: number | undefined;
    let ready = 0;
    const deadline = Date.now() + timeoutMs;
    let lastLog = 0;
    while (Date.now() < deadline) {
      ready = await countRunningPods(api);
      if (Date.now() - lastLog > 15_000) {
        logStep(`  ${ready}/${options.pods} pods Running (${elapsed()}s)`);
        lastLog = Date.now();
      }
      if (ready >= options.pods) {
        podsRunning = elapsed();
        break;
      }
      await sleep(5000);
    }
    const running = await countRunningPods(api);
    const podSeconds = (Date.now() - podsStarted) / 1000;
    const etcdDb = await fetch(`http://127.0.0.1:${ctx.ports.etcdClient}/metrics`).catch(() => undefined);
    const etcdDbMiB = etcdDb?.ok
      ? Number(/^etcd_mvcc_db_total_size_in_bytes (\S+)/m.exec(await etcdDb.text())?.[1] ?? Number.NaN) / 1024 ** 2
      : undefined;
    const result: ScaleResult = {
      nodes: options.nodes,
      pods: options.pods,
      qpsLimitsDisabled: state?.disableQpsLimits ?? true,
      seconds: { nodesCreated, nodesReady, podsRunning },
      podsRunning: running,
      podsPerSecond: podsRunning === undefined ? undefined : Math.round(options.pods / podSeconds),
      rssMiB: { peak, end: sampleRss(ctx.runDir, {}) },
      etcdDbMiB: etcdDbMiB === undefined || Number.isNaN(etcdDbMiB) ? undefined : Math.round(etcdDbMiB),
    };
    writeFileSync(join(ctx.runDir, `scale-${options.nodes}n-${options.pods}p.json`), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    clearInterval(sampler);
    api.close();
  }
}
