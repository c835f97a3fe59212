import { AppError, type CancelSignal, type LogLine, type LogOptions, type ObjectRef } from "@meridian/core";
import type { KubeHttp } from "./kube-http.js";
import type { Operations } from "./operations.js";
import { builtin, pathOf } from "./resources.js";

type Obj = Record<string, any>;

function splitTimestamp(line: string): { time: string | null; line: string } {
  const sp = line.indexOf(" ");
  if (sp > 0 && /^\d{4}-\d{2}-\d{2}T/.test(line)) return { time: line.slice(0, sp), line: line.slice(sp + 1) };
  return { time: null, line };
}

/** Interleaves several async streams in arrival order; stops all of them when the consumer stops. */
export async function* mergeStreams<T>(streams: AsyncIterable<T>[]): AsyncGenerator<T> {
  const iters = streams.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  const pull = (i: number) => pending.set(i, (iters[i] as AsyncIterator<T>).next().then((r) => ({ i, r })));
  iters.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) pending.delete(i);
      else {
        pull(i);
        yield r.value;
      }
    }
  } finally {
    await Promise.allSettled(iters.map((it) => it.return?.()));
  }
}

const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

export function createLogReader(http: KubeHttp, ops: Operations) {
  const podRes = builtin("Pod");

  async function* podLines(ns: string, pod: string, container: string | undefined, opts: LogOptions, signal: CancelSignal, source: string): AsyncGenerator<LogLine> {
    const q = new URLSearchParams({ timestamps: "true" });
    if (container) q.set("container", container);
    if (opts.follow) q.set("follow", "true");
    if (opts.tailLines !== undefined) q.set("tailLines", String(opts.tailLines));
    if (opts.sinceSeconds !== undefined) q.set("sinceSeconds", String(opts.sinceSeconds));
    if (opts.previous) q.set("previous", "true");
    try {
      for await (const raw of http.streamLines(`${pathOf(podRes, ns, pod, "log")}?${q}`, signal)) {
        yield { source, ...splitTimestamp(raw) };
      }
    } catch (err) {
      // Permission and not-found errors speak for themselves; anything else means the node could not serve logs.
      if (err instanceof AppError && err.code !== "forbidden" && err.code !== "not_found" && err.code !== "invalid_input") {
        throw new AppError("unavailable", `could not fetch the logs of pod ${ns}/${pod} from its node (is its kubelet reachable?): ${err.message}`, { cause: err, details: err.details });
      }
      throw err;
    }
  }

  /** Lines of every pod matching a label selector (at most 50), merged; `what` names them in the not-found error. */
  async function* streamSelected(ns: string, selector: string, what: string, opts: LogOptions, signal: CancelSignal): AsyncGenerator<LogLine> {
    const pods = await http.request<Obj>("GET", `${pathOf(podRes, ns)}?${new URLSearchParams({ labelSelector: selector })}`);
    const names = ((pods.items ?? []) as Obj[]).map((p) => String(p.metadata.name)).slice(0, 50);
    if (names.length === 0) throw new AppError("not_found", `${what} has no pods`);
    yield* mergeStreams(names.map((p) => podLines(ns, p, opts.container, opts, signal, p)));
  }

  async function* streamLogs(ref: ObjectRef, opts: LogOptions, signal: CancelSignal): AsyncGenerator<LogLine> {
    const ns = ref.namespace ?? "default";
    if (ref.kind === "Pod") {
      yield* podLines(ns, ref.name, opts.container, opts, signal, opts.container ? `${ref.name}/${opts.container}` : ref.name);
      return;
    }
    if (!workloadKinds.has(ref.kind)) throw new AppError("invalid_input", `${ref.kind} has no logs (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet or Job)`);
    const o = (await ops.getRaw({ ...ref, namespace: ns })) as Obj;
    const ml = (o.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
    const selector = Object.entries(ml).map(([k, v]) => `${k}=${v}`).join(",");
    if (!selector) throw new AppError("invalid_input", `${ref.kind} ${ref.name} has no label selector to find its pods`);
    yield* streamSelected(ns, selector, `${ref.kind} ${ref.name}`, opts, signal);
  }

  return { streamLogs, streamSelected };
}
export type LogReader = ReturnType<typeof createLogReader>;
