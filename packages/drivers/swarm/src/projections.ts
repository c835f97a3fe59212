import { createHash } from "node:crypto";
import type { Health, InventoryItem } from "@meridian/core";
import {
  type DockerConfig,
  type DockerNetwork,
  type DockerNode,
  type DockerSecret,
  type DockerService,
  type DockerTask,
  type DockerVolume,
  type Labels,
  stackLabel,
} from "./docker-types.js";

export const swarmKinds = ["SwarmNode", "SwarmService", "SwarmTask", "SwarmNetwork", "SwarmConfig", "SwarmSecret", "SwarmVolume"] as const;
export type SwarmKind = (typeof swarmKinds)[number];

export function isSwarmKind(kind: string): kind is SwarmKind {
  return (swarmKinds as readonly string[]).includes(kind);
}

/** What task projections need from the other lists: display names of nodes and services. */
export interface ProjectionContext {
  nodeNames: ReadonlyMap<string, string>;
  services: ReadonlyMap<string, { name: string; namespace: string | null }>;
  /** Display name of the node this engine runs on (local volumes live there). */
  localNodeName: string | null;
  /** Epoch ms; services without a running task long after their last change turn to error. */
  now: number;
}

const stuckAfterMs = 120_000;

export function createItemKey(kind: string, namespace: string | null, name: string): string {
  return `${kind}//${namespace ?? ""}/${name}`;
}

/** Docker's zero time and nanosecond fractions become null or a plain ISO string. */
export function normalizeTime(value: string | undefined | null): string | null {
  if (!value || value.startsWith("0001-01-01")) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function capitalize(text: string): string {
  return text === "" ? text : `${text[0]?.toUpperCase()}${text.slice(1)}`;
}

function getNamespace(labels: Labels | null | undefined): string | null {
  const value = labels?.[stackLabel];
  return value === undefined || value === "" ? null : value;
}

/** Image reference without the @sha256 digest the CLI pins. */
export function stripDigest(image: string | undefined): string {
  return (image ?? "").replace(/@sha256:[0-9a-f]+$/, "");
}

// Networks and volumes carry no Version.Index; a hash of their answer changes whenever they do.
function hashObject(value: unknown): string {
  return createHash("sha1").update(JSON.stringify(value)).digest("hex").slice(0, 12);
}

function createItem(
  kind: SwarmKind,
  fields: Omit<InventoryItem, "key" | "kind" | "group" | "labels"> & { labels: Labels | null | undefined },
): InventoryItem {
  return { key: createItemKey(kind, fields.namespace, fields.name), kind, group: "", ...fields, labels: { ...(fields.labels ?? {}) } };
}

/**
 * Node display names: the hostname, or hostname.id12 when several nodes share one (worker engines in the
 * same UTS namespace do), so names and keys stay unique.
 */
export function getNodeNames(nodes: readonly DockerNode[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const host = node.Description?.Hostname || node.ID.slice(0, 12);
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const node of nodes) {
    const host = node.Description?.Hostname || node.ID.slice(0, 12);
    names.set(node.ID, (counts.get(host) ?? 0) > 1 ? `${host}.${node.ID.slice(0, 12)}` : host);
  }
  return names;
}

export function projectNode(node: DockerNode, name: string): InventoryItem {
  const state = node.Status?.State ?? "unknown";
  const availability = node.Spec?.Availability ?? "active";
  const ready = state === "ready";
  let health: Health;
  if (ready) health = availability === "active" ? "ok" : "warning";
  else health = state === "unknown" ? "unknown" : "error";
  return createItem("SwarmNode", {
    namespace: null,
    name,
    uid: node.ID,
    labels: node.Spec?.Labels,
    createdAt: normalizeTime(node.CreatedAt),
    status: availability === "active" ? capitalize(state) : `${capitalize(state)} (${availability})`,
    health,
    owner: null,
    summary: {
      role: node.Spec?.Role ?? null,
      availability,
      engine: node.Description?.Engine?.EngineVersion ?? null,
      cpu: Math.round((node.Description?.Resources?.NanoCPUs ?? 0) / 1e6),
      memory: node.Description?.Resources?.MemoryBytes ?? 0,
      addr: node.Status?.Addr ?? null,
      ready,
      state,
      hostname: node.Description?.Hostname ?? null,
      leader: node.ManagerStatus?.Leader === true,
    },
    resourceVersion: String(node.Version?.Index ?? ""),
  });
}

export function getServiceMode(service: DockerService): "replicated" | "global" | "replicated-job" | "global-job" {
  const mode = service.Spec?.Mode ?? {};
  if (mode.Global) return "global";
  if (mode.ReplicatedJob) return "replicated-job";
  if (mode.GlobalJob) return "global-job";
  return "replicated";
}

function formatPorts(service: DockerService): string {
  const ports = service.Endpoint?.Ports ?? service.Spec?.EndpointSpec?.Ports ?? [];
  const seen = new Set<string>();
  for (const p of ports) {
    const published = p.PublishedPort ? `${p.PublishedPort}:` : "";
    const mode = p.PublishMode === "host" ? " (host)" : "";
    seen.add(`${published}${p.TargetPort ?? ""}/${p.Protocol ?? "tcp"}${mode}`);
  }
  return [...seen].join(", ");
}

const rollbackStates = new Set(["rollback_started", "rollback_paused", "rollback_completed", "paused"]);

/**
 * `recentFailures`: tasks of this service that failed lately (from the task list). ServiceStatus alone
 * hides a crash loop: between restarts a task's desired state is "ready", so a failing global service reads 0/0.
 */
export function projectService(service: DockerService, now: number, recentFailures = 0): InventoryItem {
  const mode = getServiceMode(service);
  const running = service.ServiceStatus?.RunningTasks ?? 0;
  const desired = service.ServiceStatus?.DesiredTasks ?? service.Spec?.Mode?.Replicated?.Replicas ?? 0;
  const updateState = service.UpdateStatus?.State ?? null;
  const changedAt = Date.parse(service.UpdatedAt ?? service.CreatedAt ?? "") || now;
  let health: Health;
  if (updateState !== null && rollbackStates.has(updateState)) health = "warning";
  else if (updateState === "updating") health = "progressing";
  else if (mode.endsWith("job")) health = running > 0 ? "progressing" : "ok";
  else if (recentFailures > 0) health = running > 0 && running >= desired ? "warning" : "error";
  else if (running >= desired) health = "ok";
  else health = running === 0 && now - changedAt > stuckAfterMs ? "error" : "progressing";
  let status = `${running}/${desired}`;
  if (updateState === "updating") status = `Updating ${status}`;
  else if (health === "error" && recentFailures > 0) status = `Failing ${status}`;
  else if (updateState === "rollback_started") status = `Rolling back ${status}`;
  else if (updateState === "paused" || updateState === "rollback_paused") status = `Update paused ${status}`;
  const labels = service.Spec?.Labels;
  return createItem("SwarmService", {
    namespace: getNamespace(labels),
    name: service.Spec?.Name ?? service.ID,
    uid: service.ID,
    labels,
    createdAt: normalizeTime(service.CreatedAt),
    status,
    health,
    owner: null,
    summary: {
      mode,
      replicas: `${running}/${desired}`,
      desired,
      running,
      completed: service.ServiceStatus?.CompletedTasks ?? 0,
      recentFailures,
      image: stripDigest(service.Spec?.TaskTemplate?.ContainerSpec?.Image),
      ports: formatPorts(service),
      updateState,
    },
    resourceVersion: String(service.Version?.Index ?? ""),
  });
}

const progressingTaskStates = new Set(["new", "allocated", "pending", "assigned", "accepted", "preparing", "ready", "starting"]);

export function getTaskHealth(state: string): Health {
  if (state === "running" || state === "complete") return "ok";
  if (progressingTaskStates.has(state)) return "progressing";
  if (state === "failed" || state === "rejected") return "error";
  return "unknown";
}

const recentFailureMs = 5 * 60_000;

/** Failed or rejected tasks per service id within the last five minutes. */
export function countRecentFailures(tasks: readonly DockerTask[], now: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of tasks) {
    const state = task.Status?.State;
    if ((state !== "failed" && state !== "rejected") || !task.ServiceID) continue;
    const at = Date.parse(task.Status?.Timestamp ?? "");
    if (Number.isNaN(at) || now - at > recentFailureMs) continue;
    counts.set(task.ServiceID, (counts.get(task.ServiceID) ?? 0) + 1);
  }
  return counts;
}

export function getTaskName(task: DockerTask, serviceName: string): string {
  const slot = task.Slot !== undefined && task.Slot > 0 ? String(task.Slot) : (task.NodeID ?? "");
  return `${serviceName}.${slot}.${task.ID.slice(0, 12)}`;
}

export function projectTask(task: DockerTask, ctx: ProjectionContext): InventoryItem {
  const service = task.ServiceID ? ctx.services.get(task.ServiceID) : undefined;
  const serviceName = service?.name ?? task.ServiceID?.slice(0, 12) ?? "";
  const state = task.Status?.State ?? "unknown";
  const desiredState = task.DesiredState ?? null;
  // Only tasks the orchestrator still wants hold their reservation, as the Swarm scheduler counts it.
  const holdsReservation = desiredState === "running" || desiredState === "ready";
  const reservations = task.Spec?.Resources?.Reservations;
  return createItem("SwarmTask", {
    namespace: service?.namespace ?? getNamespace(task.Spec?.ContainerSpec?.Labels) ?? getNamespace(task.Labels),
    name: getTaskName(task, serviceName),
    uid: task.ID,
    labels: task.Labels,
    createdAt: normalizeTime(task.CreatedAt),
    status: capitalize(state),
    health: getTaskHealth(state),
    owner: task.ServiceID ? { kind: "SwarmService", name: serviceName } : null,
    summary: {
      service: serviceName,
      slot: task.Slot !== undefined && task.Slot > 0 ? task.Slot : null,
      node: task.NodeID ? (ctx.nodeNames.get(task.NodeID) ?? task.NodeID.slice(0, 12)) : null,
      desiredState,
      state,
      error: task.Status?.Err || null,
      message: task.Status?.Message ?? null,
      image: stripDigest(task.Spec?.ContainerSpec?.Image),
      containerId: task.Status?.ContainerStatus?.ContainerID?.slice(0, 12) ?? null,
      cpuRequest: holdsReservation ? Math.round((reservations?.NanoCPUs ?? 0) / 1e6) : 0,
      memoryRequest: holdsReservation ? (reservations?.MemoryBytes ?? 0) : 0,
    },
    resourceVersion: String(task.Version?.Index ?? ""),
  });
}

export function projectNetwork(network: DockerNetwork): InventoryItem {
  const subnets = (network.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => typeof s === "string" && s !== "");
  return createItem("SwarmNetwork", {
    namespace: getNamespace(network.Labels),
    name: network.Name,
    uid: network.Id,
    labels: network.Labels,
    createdAt: normalizeTime(network.Created),
    status: "Active",
    health: "ok",
    owner: null,
    summary: {
      driver: network.Driver ?? null,
      scope: network.Scope ?? null,
      subnet: subnets.join(", ") || null,
      internal: network.Internal === true,
      attachable: network.Attachable === true,
      ingress: network.Ingress === true,
    },
    resourceVersion: hashObject(network),
  });
}

// Only names and labels: a config's Data is never copied into the inventory.
export function projectConfig(config: DockerConfig): InventoryItem {
  return createItem("SwarmConfig", {
    namespace: getNamespace(config.Spec?.Labels),
    name: config.Spec?.Name ?? config.ID,
    uid: config.ID,
    labels: config.Spec?.Labels,
    createdAt: normalizeTime(config.CreatedAt),
    status: "Active",
    health: "ok",
    owner: null,
    summary: {},
    resourceVersion: String(config.Version?.Index ?? ""),
  });
}

export function projectSecret(secret: DockerSecret): InventoryItem {
  return createItem("SwarmSecret", {
    namespace: getNamespace(secret.Spec?.Labels),
    name: secret.Spec?.Name ?? secret.ID,
    uid: secret.ID,
    labels: secret.Spec?.Labels,
    createdAt: normalizeTime(secret.CreatedAt),
    status: "Active",
    health: "ok",
    owner: null,
    summary: { driver: secret.Spec?.Driver?.Name ?? "internal" },
    resourceVersion: String(secret.Version?.Index ?? ""),
  });
}

export function projectVolume(volume: DockerVolume, ctx: Pick<ProjectionContext, "nodeNames" | "localNodeName">): InventoryItem {
  const publishedOn = volume.ClusterVolume?.PublishStatus?.[0]?.NodeID;
  const node = publishedOn ? (ctx.nodeNames.get(publishedOn) ?? publishedOn.slice(0, 12)) : volume.ClusterVolume ? null : ctx.localNodeName;
  return createItem("SwarmVolume", {
    // Volumes are not namespaced in the kind catalog: a volume name is unique on its engine.
    namespace: null,
    name: volume.Name,
    uid: volume.ClusterVolume?.ID ?? volume.Name,
    labels: volume.Labels,
    createdAt: normalizeTime(volume.CreatedAt),
    status: "Available",
    health: "ok",
    owner: null,
    summary: { driver: volume.Driver ?? null, node, mountpoint: volume.Mountpoint ?? null, scope: volume.Scope ?? null, stack: getNamespace(volume.Labels) },
    resourceVersion: volume.ClusterVolume?.Version ? String(volume.ClusterVolume.Version.Index) : hashObject(volume),
  });
}

/** Duplicate keys (two networks may share a name) get the object's id appended, so replace() stays a set. */
export function makeKeysUnique(items: InventoryItem[]): InventoryItem[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.key, (counts.get(item.key) ?? 0) + 1);
  return items.map((item) => {
    if ((counts.get(item.key) ?? 0) < 2) return item;
    const name = `${item.name}.${item.uid.slice(0, 12)}`;
    return { ...item, name, key: createItemKey(item.kind, item.namespace, name) };
  });
}

/** Cheap change detection between two lists. */
export function fingerprintItem(item: InventoryItem): string {
  return JSON.stringify(item);
}
