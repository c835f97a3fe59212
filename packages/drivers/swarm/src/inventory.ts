import type { IncomingMessage } from "node:http";
import type { InventoryHandle, InventoryItem, InventorySink, InventoryStats } from "@meridian/core";
import type { DockerClient } from "./docker-client.js";
import type { DockerConfig, DockerEvent, DockerNetwork, DockerNode, DockerSecret, DockerService, DockerTask, DockerVolume } from "./docker-types.js";
import { stackLabel } from "./docker-types.js";
import {
  type SwarmKind,
  countRecentFailures,
  fingerprintItem,
  getNodeNames,
  makeKeysUnique,
  projectConfig,
  projectNetwork,
  projectNode,
  projectSecret,
  projectService,
  projectTask,
  projectVolume,
  swarmKinds,
} from "./projections.js";

type Log = (msg: string, extra?: object) => void;
type Phase = "listing" | "watching" | "error";

export interface InventoryTimings {
  debounceMs: number;
  resyncMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
}

const defaultTimings: InventoryTimings = { debounceMs: 150, resyncMs: 30_000, backoffMinMs: 250, backoffMaxMs: 3_000 };

/** Which kinds an event can change. Task states change with their containers and their service. */
const kindsByEventType: Record<string, SwarmKind[]> = {
  service: ["SwarmService", "SwarmTask"],
  node: ["SwarmNode", "SwarmTask"],
  container: ["SwarmTask", "SwarmService"],
  network: ["SwarmNetwork"],
  config: ["SwarmConfig"],
  secret: ["SwarmSecret"],
  volume: ["SwarmVolume"],
};
// Object changes only: exec_*, attach, connect/disconnect and mount/unmount would relist on every health check.
const eventActions = ["create", "update", "remove", "destroy", "start", "die", "oom", "pause", "unpause", "health_status"];

function isRelevantEvent(event: DockerEvent): boolean {
  const action = event.Action ?? "";
  if (!eventActions.some((a) => action === a || action.startsWith(`${a}:`))) return false;
  // Plain containers are not Swarm tasks.
  if (event.Type === "container") return event.Actor?.Attributes?.["com.docker.swarm.task.id"] !== undefined;
  return true;
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);
}

function isConverging(item: InventoryItem): boolean {
  const s = item.summary;
  return s.running !== s.desired || s.updateState === "updating" || s.updateState === "rollback_started";
}

/**
 * Lists every Swarm kind, then follows /events: each event marks kinds dirty and a debounced relist sends
 * only the changed items (upsert/remove). Remote task changes raise no event on this manager, so services
 * that are converging are re-read every few seconds, and everything is relisted every 30 s.
 */
export function startSwarmInventory(client: DockerClient, sink: InventorySink, log: Log, timings: Partial<InventoryTimings> = {}): InventoryHandle {
  const t = { ...defaultTimings, ...timings };
  const stats: InventoryStats = { lists: 0, watches: 0, relists: 0, bookmarks: 0, events: 0 };
  const abort = new AbortController();
  const previous = new Map<SwarmKind, Map<string, string>>();
  const phases = new Map<SwarmKind, string>();
  let nodeNames = new Map<string, string>();
  let services = new Map<string, { name: string; namespace: string | null }>();
  let localNodeId: string | null = null;
  let recentFailures = new Map<string, number>();
  let stopped = false;
  let eventsUp = false;
  let eventsError: string | null = null;
  let dirty = new Set<SwarmKind>();
  let debounceTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let convergeTimer: NodeJS.Timeout | undefined;
  let convergingSince: number | null = null;
  let running: Promise<void> = Promise.resolve();
  let events: IncomingMessage | undefined;
  let backoff = t.backoffMinMs;

  // Tells the sink only about changes of phase or message.
  const setPhase = (kind: SwarmKind, phase: Phase, message?: string) => {
    const state = `${phase}:${message ?? ""}`;
    if (stopped || phases.get(kind) === state) return;
    phases.set(kind, state);
    sink.state(kind, "", message === undefined ? { phase } : { phase, message });
  };

  const get = <T>(path: string, query?: Record<string, string>) => client.requestJson<T>({ path, signal: abort.signal, ...(query && { query }) });

  async function fetchServices(): Promise<DockerService[]> {
    const list = await get<DockerService[]>("/services", { status: "true" });
    services = new Map(list.map((s) => [s.ID, { name: s.Spec?.Name ?? s.ID, namespace: s.Spec?.Labels?.[stackLabel] || null }]));
    return list;
  }

  async function fetchNodes(): Promise<DockerNode[]> {
    const list = await get<DockerNode[]>("/nodes");
    nodeNames = getNodeNames(list);
    return list;
  }

  async function listKind(kind: SwarmKind): Promise<InventoryItem[]> {
    const now = Date.now();
    switch (kind) {
      case "SwarmNode":
        return (await fetchNodes()).map((n) => projectNode(n, nodeNames.get(n.ID) ?? n.ID));
      case "SwarmService":
        return (await fetchServices()).map((s) => projectService(s, now, recentFailures.get(s.ID)));
      case "SwarmTask": {
        const tasks = await get<DockerTask[]>("/tasks");
        // A task of a service or node we have not seen yet: refresh the names first.
        if (tasks.some((task) => task.ServiceID && !services.has(task.ServiceID))) await fetchServices();
        if (tasks.some((task) => task.NodeID && !nodeNames.has(task.NodeID))) await fetchNodes();
        const failures = countRecentFailures(tasks, now);
        // Failures change a service's health: re-read services next round when they did.
        if (!sameCounts(failures, recentFailures)) markDirty(["SwarmService"]);
        recentFailures = failures;
        const ctx = { nodeNames, services, localNodeName: null, now };
        return tasks.map((task) => projectTask(task, ctx));
      }
      case "SwarmNetwork":
        return (await get<DockerNetwork[]>("/networks")).map(projectNetwork);
      case "SwarmConfig":
        return (await get<DockerConfig[]>("/configs")).map(projectConfig);
      case "SwarmSecret":
        return (await get<DockerSecret[]>("/secrets")).map(projectSecret);
      case "SwarmVolume": {
        if (localNodeId === null) localNodeId = (await get<{ Swarm?: { NodeID?: string } }>("/info")).Swarm?.NodeID || null;
        if (localNodeId !== null && !nodeNames.has(localNodeId)) await fetchNodes();
        const localNodeName = localNodeId === null ? null : (nodeNames.get(localNodeId) ?? null);
        const answer = await get<{ Volumes?: DockerVolume[] | null }>("/volumes");
        return (answer.Volumes ?? []).map((v) => projectVolume(v, { nodeNames, localNodeName }));
      }
      default: {
        const unknown: never = kind;
        throw new Error(`unknown kind ${String(unknown)}`);
      }
    }
  }

  function publish(kind: SwarmKind, items: InventoryItem[], mode: "replace" | "diff"): void {
    const before = previous.get(kind);
    const after = new Map(items.map((item) => [item.key, fingerprintItem(item)]));
    previous.set(kind, after);
    if (mode === "replace" || before === undefined) {
      sink.replace(kind, "", items);
      return;
    }
    for (const item of items) if (before.get(item.key) !== after.get(item.key)) sink.upsert(item);
    for (const key of before.keys()) if (!after.has(key)) sink.remove(key);
  }

  async function relist(kinds: Iterable<SwarmKind>, mode: "replace" | "diff"): Promise<void> {
    const wanted = new Set(kinds);
    // Nodes and services first: task names are built from theirs.
    for (const kind of swarmKinds) {
      if (!wanted.has(kind) || stopped) continue;
      const first = !previous.has(kind);
      if (first) setPhase(kind, "listing");
      try {
        const items = makeKeysUnique(await listKind(kind));
        if (stopped) return;
        if (first) stats.lists++;
        else stats.relists++;
        publish(kind, items, mode);
        if (kind === "SwarmService") scheduleConvergePoll(items);
        if (eventsUp) setPhase(kind, "watching");
        else if (eventsError !== null) setPhase(kind, "error", `event stream: ${eventsError}`);
      } catch (error) {
        if (stopped) return;
        const message = error instanceof Error ? error.message : String(error);
        log("swarm inventory: list failed", { kind, endpoint: client.endpoint, error: message });
        setPhase(kind, "error", message);
      }
    }
  }

  /** Runs relists one at a time; dirty kinds gathered meanwhile go into the next round. */
  function enqueue(kinds: Iterable<SwarmKind>, mode: "replace" | "diff"): Promise<void> {
    const list = [...kinds];
    running = running
      .then(() => (stopped ? undefined : relist(list, mode)))
      // A throwing sink must not end the queue: later relists still run.
      .catch((error: unknown) => log("swarm inventory: relist failed", { endpoint: client.endpoint, error: error instanceof Error ? error.message : String(error) }));
    return running;
  }

  function markDirty(kinds: Iterable<SwarmKind>): void {
    for (const kind of kinds) dirty.add(kind);
    if (debounceTimer !== undefined || stopped) return;
    debounceTimer = setTimeout(() => {
      debounceTimer = undefined;
      const batch = dirty;
      dirty = new Set();
      void enqueue(batch, "diff");
    }, t.debounceMs);
  }

  function scheduleConvergePoll(serviceItems: InventoryItem[]): void {
    if (!serviceItems.some(isConverging)) {
      convergingSince = null;
      return;
    }
    convergingSince ??= Date.now();
    if (convergeTimer !== undefined || stopped) return;
    // Fast while a change is young, slower for services that stay short of their replicas (no suitable node …).
    const delay = Date.now() - convergingSince < 60_000 ? 2_000 : 10_000;
    convergeTimer = setTimeout(() => {
      convergeTimer = undefined;
      markDirty(["SwarmService", "SwarmTask"]);
    }, delay);
  }

  function handleEventLine(line: string): void {
    if (line.trim() === "") return;
    let event: DockerEvent;
    try {
      event = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    stats.events++;
    const kinds = kindsByEventType[event.Type ?? ""];
    if (kinds && isRelevantEvent(event)) markDirty(kinds);
  }

  function failEvents(reason: string): void {
    if (stopped) return;
    eventsUp = false;
    eventsError = reason;
    events = undefined;
    log("swarm inventory: event stream failed; reconnecting", { endpoint: client.endpoint, error: reason, retryInMs: backoff });
    for (const kind of swarmKinds) setPhase(kind, "error", `event stream: ${reason}`);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connectEvents();
    }, backoff);
    backoff = Math.min(backoff * 2, t.backoffMaxMs);
  }

  async function connectEvents(): Promise<void> {
    if (stopped) return;
    let res: IncomingMessage;
    try {
      res = await client.openStream({
        path: "/events",
        query: { filters: { type: Object.keys(kindsByEventType), event: eventActions } },
        signal: abort.signal,
      });
    } catch (error) {
      failEvents(error instanceof Error ? error.message : String(error));
      // Show what can be listed even while events cannot be followed.
      if (previous.size === 0) await enqueue(swarmKinds, "replace");
      return;
    }
    if (stopped) {
      res.destroy();
      return;
    }
    events = res;
    stats.watches++;
    let buffered = "";
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      res.destroy();
      failEvents(reason);
    };
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) handleEventLine(line);
    });
    res.on("error", (error) => end(error.message));
    res.on("aborted", () => end("the engine closed the event stream"));
    res.on("end", () => end("the engine closed the event stream"));
    // The stream is open before the list, so no change between the two is missed.
    eventsUp = true;
    eventsError = null;
    await enqueue(swarmKinds, "replace");
    if (eventsUp && events === res) backoff = t.backoffMinMs;
  }

  const resyncTimer = setInterval(() => void enqueue(swarmKinds, "replace"), t.resyncMs);
  void connectEvents();

  return {
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      clearInterval(resyncTimer);
      clearTimeout(debounceTimer);
      clearTimeout(reconnectTimer);
      clearTimeout(convergeTimer);
      abort.abort();
      events?.destroy();
      await running.catch(() => undefined);
    },
  };
}
