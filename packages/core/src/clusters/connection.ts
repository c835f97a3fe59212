import type { ClusterDriver } from "../apps/driver.js";
import type { Runtime } from "./kinds.js";

/**
 * What a connected cluster offers Meridian, in one shape for Kubernetes and Swarm. Each runtime's driver
 * (packages/drivers/*) implements it, and one contract suite proves both against the real testbeds.
 * Objects in the inventory are slim projections: only the fields pages and queries need.
 */

/** The part of AbortSignal drivers use (core has no DOM or Node types). */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export type Health = "ok" | "progressing" | "warning" | "error" | "unknown";

export interface InventoryItem {
  /** `${kind}/${group}/${namespace}/${name}`, unique within a cluster. */
  key: string;
  kind: string;
  /** API group for Kubernetes objects ("" for the core group); "" for Swarm. */
  group: string;
  namespace: string | null;
  name: string;
  uid: string;
  labels: Record<string, string>;
  createdAt: string | null;
  /** A short human status (Running, CrashLoopBackOff, Ready, 2/3 ...). */
  status: string;
  health: Health;
  /** The owning object (ReplicaSet of a pod, service of a task), for related-object lookups. */
  owner: { kind: string; name: string } | null;
  /** Kind-specific columns (see kindCatalog) and the numbers the overview sums (capacity, requests). */
  summary: Record<string, string | number | boolean | null>;
  resourceVersion: string;
}

export interface ConditionStatus {
  type: "Reachable" | "Authenticated" | "Ready";
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface ProbeResult {
  conditions: Omit<ConditionStatus, "lastTransitionTime">[];
  /** API server or engine version, when reachable. */
  version: string | null;
}

/** Receives inventory changes from a driver. Drivers call `replace` after every full (re)list of a kind. */
export interface InventorySink {
  replace(kind: string, group: string, items: InventoryItem[]): void;
  upsert(item: InventoryItem): void;
  remove(key: string): void;
  /** Stream state of one kind: listing, watching, or failing with a reason. */
  state(kind: string, group: string, state: { phase: "listing" | "watching" | "error"; message?: string }): void;
}

export interface InventoryStats {
  lists: number;
  watches: number;
  relists: number;
  bookmarks: number;
  events: number;
}

export interface InventoryHandle {
  stats(): InventoryStats;
  stop(): Promise<void>;
}

export interface ObjectRef {
  kind: string;
  /** Optional for built-in kinds; required for custom resources (`example.com/v1`). */
  apiVersion?: string;
  namespace?: string | null;
  name: string;
}

export interface FullObject {
  /** The object as the cluster returns it, with Secret values removed and managedFields dropped. */
  object: Record<string, unknown>;
}

export interface ApplyResult {
  kind: string;
  namespace: string | null;
  name: string;
  action: "created" | "configured" | "unchanged";
  /** Unified diff of the object's YAML before and after (status and server-managed fields left out). */
  diff: string;
}

export interface LogOptions {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
}

export interface LogLine {
  /** Pod/container or task the line came from. */
  source: string;
  time: string | null;
  line: string;
}

export interface ClusterConnection {
  runtime: Runtime;
  probe(signal?: CancelSignal): Promise<ProbeResult>;
  startInventory(sink: InventorySink): InventoryHandle;
  getObject(ref: ObjectRef): Promise<FullObject>;
  /** Server-side apply of YAML documents (Kubernetes) or service specs (Swarm); dryRun computes the diff only. */
  apply(yaml: string, opts: { dryRun: boolean; defaultNamespace?: string }): Promise<ApplyResult[]>;
  deleteObject(ref: ObjectRef): Promise<void>;
  scale(ref: ObjectRef, replicas: number): Promise<void>;
  restart(ref: ObjectRef): Promise<void>;
  rollback(ref: ObjectRef): Promise<void>;
  setNodeSchedulable(node: string, schedulable: boolean): Promise<void>;
  /** Cordons the node and moves its workloads away (evictions / Swarm drain); returns how many were evicted. */
  drainNode(node: string): Promise<{ evicted: number; skipped: string[] }>;
  /** Lines of one pod/task, or merged over all replicas of a workload or service. Ends when the signal aborts. */
  streamLogs(ref: ObjectRef, opts: LogOptions, signal: CancelSignal): AsyncIterable<LogLine>;
  /** Apps on this cluster (releases, slots, routing), sharing this connection's client. */
  readonly apps: ClusterDriver;
  close(): Promise<void>;
}
