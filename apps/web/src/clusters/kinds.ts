import { findKind, type KindInfo, kindCatalog } from "@meridian/core";

/** The resource browser's kind picker: catalog kinds grouped the way people look for them. */
export const kindGroups: { label: string; kinds: string[] }[] = [
  { label: "Workloads", kinds: ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"] },
  { label: "Networking", kinds: ["Service", "Ingress", "EndpointSlice", "NetworkPolicy"] },
  { label: "Config", kinds: ["ConfigMap", "Secret", "ResourceQuota", "LimitRange", "Role", "RoleBinding"] },
  { label: "Storage", kinds: ["PersistentVolumeClaim", "PersistentVolume"] },
  { label: "Cluster", kinds: ["Node", "Namespace", "Event", "CustomResourceDefinition"] },
  { label: "Swarm", kinds: kindCatalog.filter((k) => k.runtime === "swarm").map((k) => k.kind) },
];

/** A kind in the browser: a catalog kind, or a custom resource (kind + API group) from a CRD. */
export interface KindRef {
  kind: string;
  group?: string;
}

/** Catalog info for a kind name; custom kinds get a generic, namespaced, column-less entry. */
export function kindInfo(kind: string): KindInfo {
  return findKind(kind) ?? { kind, runtime: "kubernetes", plural: kind.toLowerCase(), aliases: [], namespaced: true, columns: [] };
}

export function isCatalogKind(kind: string): boolean {
  return findKind(kind) !== undefined;
}

export const nodeKind = { kubernetes: "Node", swarm: "SwarmNode" } as const;
export const podKind = { kubernetes: "Pod", swarm: "SwarmTask" } as const;

/** Container names of a pod or a workload's pod template, for the logs view's container picker. */
export function containerNames(object: Record<string, unknown> | undefined): string[] {
  const spec = object?.spec as Record<string, unknown> | undefined;
  const podSpec = (spec?.template as { spec?: Record<string, unknown> } | undefined)?.spec ?? ((spec?.jobTemplate as { spec?: { template?: { spec?: Record<string, unknown> } } } | undefined)?.spec?.template?.spec) ?? spec;
  const names: string[] = [];
  for (const field of ["initContainers", "containers"]) {
    const list = podSpec?.[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) if (c && typeof (c as { name?: unknown }).name === "string") names.push((c as { name: string }).name);
  }
  return names;
}
