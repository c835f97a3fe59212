import { logStep } from "../lib/log.js";
import { waitFor } from "../lib/run.js";
import { type KubeApi, listAll, runConcurrently, sendOk } from "./kube-api.js";
import { createNodeManifest, getNodeName, kwokNodeAnnotation } from "./nodes.js";

type NodeItem = {
  metadata: { name: string; annotations?: Record<string, string> };
  status?: { conditions?: { type: string; status: string }[] };
};

export function isNodeReady(node: NodeItem): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export async function listTestbedNodes(api: KubeApi): Promise<NodeItem[]> {
  return listAll<NodeItem>(api, "/api/v1/nodes?labelSelector=type%3Dkwok");
}

/** Creates kwok-node-0..count-1 where missing (409 = already there). */
export async function createNodes(api: KubeApi, count: number, concurrency = 16): Promise<void> {
  const existing = new Set((await listTestbedNodes(api)).map((n) => n.metadata.name));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !existing.has(getNodeName(i)));
  if (missing.length === 0) return;
  logStep(`creating ${missing.length} KWOK node(s)`);
  await runConcurrently(missing, concurrency, async (i) => {
    await sendOk(api, "POST", "/api/v1/nodes", createNodeManifest(i), { okStatuses: [409] });
  });
}

export async function waitForNodesReady(api: KubeApi, count: number, timeoutMs: number): Promise<void> {
  await waitFor(
    `${count} Ready node(s)`,
    async () => (await listTestbedNodes(api)).filter(isNodeReady).length >= count,
    timeoutMs,
    1000,
  );
}

const mergePatch = "application/merge-patch+json";

/**
 * Failure knob: KWOK stops managing the node (annotation removed, so no more heartbeats) and its Ready condition
 * is set to False, as when a kubelet stops; the node-lifecycle controller then taints it.
 */
export async function markNodeNotReady(api: KubeApi, name: string): Promise<void> {
  const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
  await sendOk(api, "PATCH", path, { metadata: { annotations: { [kwokNodeAnnotation]: null } } }, { contentType: mergePatch });
  const now = new Date().toISOString();
  const res = await sendOk(api, "GET", path);
  const node = res.body as { status: { conditions?: Record<string, unknown>[] } };
  const conditions = (node.status.conditions ?? []).map((c) =>
    c.type === "Ready"
      ? { ...c, status: "False", reason: "KubeletNotReady", message: "testbed knob: node marked NotReady", lastHeartbeatTime: now, lastTransitionTime: now }
      : c,
  );
  await sendOk(api, "PATCH", `${path}/status`, { status: { conditions } }, { contentType: "application/strategic-merge-patch+json" });
}

/** Undoes markNodeNotReady: KWOK manages the node again and its node-initialize stage makes it Ready. */
export async function markNodeReady(api: KubeApi, name: string): Promise<void> {
  const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
  await sendOk(api, "PATCH", path, { metadata: { annotations: { [kwokNodeAnnotation]: "fake" } } }, { contentType: mergePatch });
  await waitFor(`node ${name} Ready`, async () => isNodeReady((await sendOk(api, "GET", path)).body as NodeItem), 60_000);
}
