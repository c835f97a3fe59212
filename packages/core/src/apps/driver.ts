import type { ApplyResult, CancelSignal, LogLine, LogOptions } from "../clusters/connection.js";
import type { Runtime } from "../clusters/kinds.js";
import type { AppRoute, Probe } from "./app-spec.js";

/**
 * How Meridian runs apps on a cluster, in one shape for Kubernetes and Swarm. The release engine in the server
 * decides *what* should run (which release in which slot, with how many replicas and how much traffic) and hands
 * drivers a complete desired state; drivers make the cluster match it (idempotently: applying the same state twice
 * changes nothing) and report what they observe. Strategies (rolling, blue/green, canary) are therefore written
 * once, in the engine, and both runtimes get them. One contract suite (@meridian/testing/app-contract) proves both.
 *
 * An app has at most two slots, `blue` and `green`. Rolling updates the active slot in place; blue/green brings the
 * idle slot up with the new release and switches traffic atomically; canary brings the idle slot up with a share of
 * the replicas and moves traffic by weights, then makes it the active slot.
 */

export type Slot = "blue" | "green";
export const slots: readonly Slot[] = ["blue", "green"];
export const otherSlot = (s: Slot): Slot => (s === "blue" ? "green" : "blue");

/** Where an app lives on a cluster. Names are DNS-1123 labels. */
export interface AppTarget {
  app: string;
  project: string;
  environment: string;
  /** Kubernetes namespace or Swarm stack (bound to the environment through a cluster target). */
  namespace: string;
}

/** A spec resolved for one slot: everything a driver needs, nothing it has to look up. */
export interface SlotSpec {
  slot: Slot;
  releaseId: string;
  releaseNumber: number;
  /** Image reference to run; digest-pinned (`…@sha256:`) whenever Meridian knows the digest. */
  image: string;
  command?: string[];
  args?: string[];
  ports: { name: string; port: number; protocol: "http" | "tcp" }[];
  /** Plain variables. */
  env: Record<string, string>;
  /** Variables whose values come from a secret object the driver creates (see DesiredApp.secrets). */
  secretEnv: { env: string; secret: string; key: string }[];
  resources: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
  replicas: number;
  readiness?: Probe;
  liveness?: Probe;
  volumes: { name: string; mountPath: string; size: string }[];
  /** Rolling-update parameters for in-place updates of this slot. */
  rolling: { maxSurge: number; maxUnavailable: number };
  /** Node constraints (`node.role==manager`, `node.labels.zone==a`): Swarm placement; Kubernetes maps node.labels to a nodeSelector. */
  placement?: { constraints: string[] };
}

/** A secret object the driver materializes; immutable per version (a new version is a new object). */
export interface DesiredSecret {
  /** Runtime object name, unique per version (e.g. `web-db-password-v3`). */
  name: string;
  data: Record<string, string>;
}

export interface DesiredApp {
  target: AppTarget;
  /** Slots that should exist; a slot left out is removed (with its objects). */
  slots: SlotSpec[];
  /** Percent of routed traffic per slot; the values of slots that exist sum to 100. */
  traffic: Partial<Record<Slot, number>>;
  routes: (AppRoute & { port: string | number })[];
  /** Horizontal autoscaling of the active slot (HPA on Kubernetes, Meridian's autoscaler on Swarm). */
  autoscaling: { slot: Slot; min: number; max: number; cpuTarget: number } | null;
  secrets: DesiredSecret[];
  /** TLS material per route host, when Meridian manages the certificate (PEM). */
  certificates?: { host: string; certPem: string; keyPem: string }[];
}

export interface SlotObservation {
  slot: Slot;
  releaseId: string | null;
  image: string | null;
  /** Replicas asked for, running the slot's current spec, ready, and failed (crash-looping, exited, rejected). */
  desired: number;
  updated: number;
  ready: number;
  failed: number;
  /** `ok` when all desired replicas are updated and ready; `failed` when the runtime gave up or replicas keep failing. */
  health: "ok" | "progressing" | "failed";
  message: string;
}

export interface AppObservation {
  exists: boolean;
  slots: SlotObservation[];
  /** Traffic weights currently configured in the router (null when the app has no routes). */
  traffic: Partial<Record<Slot, number>> | null;
  /** Autoscaler objects' view, when there is one. */
  autoscaling: { min: number; max: number; current: number; cpuTarget: number } | null;
}

/** Requests seen by the router per slot since the driver started counting, for analysis gates. */
export interface TrafficSample {
  slot: Slot;
  requests: number;
  errors: number;
  p95Ms: number | null;
}

export interface ClusterDriver {
  runtime: Runtime;
  /** Makes the cluster match `desired`; with dryRun nothing changes and the results carry the diff. */
  applyApp(desired: DesiredApp, opts: { dryRun: boolean }): Promise<ApplyResult[]>;
  /** Changes only the traffic weights (the fast path between canary steps). */
  setTraffic(target: AppTarget, routes: DesiredApp["routes"], traffic: Partial<Record<Slot, number>>): Promise<void>;
  observeApp(target: AppTarget): Promise<AppObservation>;
  /** Router request counts per slot, when the runtime's router reports them (else null: gates use PromQL only). */
  sampleTraffic(target: AppTarget): Promise<TrafficSample[] | null>;
  /** CPU use of each running replica of a slot, in percent of its CPU limit or request (Meridian's autoscaler). */
  sampleCpu(target: AppTarget, slot: Slot): Promise<number[]>;
  /**
   * Answers `GET http://<host><path>` with `body` through the runtime's router, ahead of the app's own routes
   * (ACME HTTP-01 and Meridian's domain verification); body null stops answering. Runtimes whose router Meridian
   * does not configure throw invalid_input saying so.
   */
  serveChallenge(target: AppTarget, host: string, path: string, body: string | null): Promise<void>;
  /** Removes every object of the app (and its routes). Idempotent. */
  deleteApp(target: AppTarget): Promise<void>;
  /** Lines of all replicas of the app (or one slot). Ends when the signal aborts. */
  streamAppLogs(target: AppTarget, opts: LogOptions & { slot?: Slot }, signal: CancelSignal): AsyncIterable<LogLine>;
}

/** Labels every object of an app carries (both runtimes), so ownership and cleanup never guess. */
export function appLabels(t: AppTarget, slot?: Slot): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "meridian",
    "meridian.dev/app": t.app,
    "meridian.dev/project": t.project,
    "meridian.dev/environment": t.environment,
    ...(slot ? { "meridian.dev/slot": slot } : {}),
  };
}
