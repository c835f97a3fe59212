import type { Obj } from "./names.js";

/**
 * Swarm-style placement constraints (`node.labels.zone==a`, `node.hostname!=n1`) as a nodeSelector (==) and required
 * node affinity (!=). node.role and node.id have no Kubernetes counterpart (control-plane nodes keep workloads off by
 * taints, node ids are Swarm's) and are left out.
 */
const wellKnown: Record<string, string> = {
  "node.hostname": "kubernetes.io/hostname",
  "node.platform.os": "kubernetes.io/os",
  "node.platform.arch": "kubernetes.io/arch",
};
/** Swarm reports the kernel's architecture names, Kubernetes Go's. */
const archNames: Record<string, string> = { x86_64: "amd64", aarch64: "arm64" };

export function renderPlacement(constraints: readonly string[]): { nodeSelector?: Record<string, string>; affinity?: Obj } {
  const nodeSelector: Record<string, string> = {};
  const notIn: Obj[] = [];
  for (const c of constraints) {
    const m = /^(node\.[A-Za-z0-9._/-]+?)\s*(==|!=)\s*(\S+)$/.exec(c);
    if (!m) continue;
    const [, field = "", op, raw = ""] = m;
    const key = field.startsWith("node.labels.") ? field.slice("node.labels.".length) : wellKnown[field];
    if (!key) continue;
    const value = key === "kubernetes.io/arch" ? (archNames[raw] ?? raw) : raw;
    if (op === "==") nodeSelector[key] = value;
    else notIn.push({ key, operator: "NotIn", values: [value] });
  }
  return {
    ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
    ...(notIn.length ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: notIn }] } } } } : {}),
  };
}
