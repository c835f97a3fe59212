import { AppError, type CancelSignal, type LogLine, type LogOptions, type ObjectRef } from "@meridian/core";
import type { DockerClient } from "./docker-client.js";
import type { DockerTask } from "./docker-types.js";
import { toTransportError } from "./errors.js";
import { createFrameDecoder, createLineSplitter, parseLogLine } from "./log-decoder.js";
import { getService, getTask } from "./objects.js";
import { getTaskName } from "./projections.js";

const taskIdAttr = "com.docker.swarm.task.id";
const nodeIdAttr = "com.docker.swarm.node.id";
const refreshNamesEveryMs = 2_000;

interface LogTarget {
  path: string;
  tty: boolean;
  fallbackSource: string;
  /** Task id -> inventory name, so lines say which replica wrote them. */
  loadTaskNames(): Promise<Map<string, string>>;
}

async function resolveTarget(client: DockerClient, ref: ObjectRef): Promise<LogTarget> {
  if (ref.kind === "SwarmService") {
    const service = await getService(client, ref);
    const serviceName = service.Spec?.Name ?? service.ID;
    return {
      path: `/services/${service.ID}/logs`,
      tty: service.Spec?.TaskTemplate?.ContainerSpec?.TTY === true,
      fallbackSource: serviceName,
      async loadTaskNames() {
        const tasks = await client.requestJson<DockerTask[]>({ path: "/tasks", query: { filters: { service: [service.ID] } } });
        return new Map(tasks.map((t) => [t.ID, getTaskName(t, serviceName)]));
      },
    };
  }
  if (ref.kind === "SwarmTask") {
    const { task, name } = await getTask(client, ref);
    return {
      path: `/tasks/${task.ID}/logs`,
      tty: task.Spec?.ContainerSpec?.TTY === true,
      fallbackSource: name,
      loadTaskNames: async () => new Map([[task.ID, name]]),
    };
  }
  throw new AppError("invalid_input", `${ref.kind} has no logs; read a SwarmService's or a SwarmTask's`);
}

/** Lines of a service (all its tasks, merged by the engine) or of one task, until the stream ends or the signal aborts. */
export async function* streamSwarmLogs(client: DockerClient, ref: ObjectRef, opts: LogOptions, signal: CancelSignal): AsyncGenerator<LogLine> {
  if (signal.aborted) return;
  const target = await resolveTarget(client, ref);
  let taskNames = await target.loadTaskNames().catch(() => new Map<string, string>());
  let namesLoadedAt = Date.now();
  const res = await client.openStream({
    path: target.path,
    query: {
      stdout: 1,
      stderr: 1,
      timestamps: 1,
      details: 1,
      follow: opts.follow ? 1 : 0,
      tail: opts.tailLines !== undefined ? Math.max(0, Math.floor(opts.tailLines)) : "all",
      since: opts.sinceSeconds !== undefined ? Math.floor(Date.now() / 1000 - opts.sinceSeconds) : undefined,
    },
    signal,
  }).catch((error: unknown) => {
    if (signal.aborted) return null;
    throw error;
  });
  if (res === null) return;
  const onAbort = () => res.destroy();
  signal.addEventListener("abort", onAbort, { once: true });
  const frames = createFrameDecoder();
  // One splitter per stream: stdout and stderr frames interleave, each may cut a line.
  const splitters = new Map<number, ReturnType<typeof createLineSplitter>>();
  const getSplitter = (stream: number) => {
    let splitter = splitters.get(stream);
    if (!splitter) splitters.set(stream, (splitter = createLineSplitter()));
    return splitter;
  };

  const toLogLine = async (text: string): Promise<LogLine> => {
    const parsed = parseLogLine(text, { timestamps: true, details: true });
    const taskId = parsed.attrs[taskIdAttr];
    let source = taskId ? taskNames.get(taskId) : undefined;
    if (taskId && source === undefined && Date.now() - namesLoadedAt > refreshNamesEveryMs) {
      // A task started after the stream opened (scale-up, update): learn its name once.
      namesLoadedAt = Date.now();
      taskNames = await target.loadTaskNames().catch(() => taskNames);
      source = taskNames.get(taskId);
    }
    if (source === undefined && taskId) source = `${target.fallbackSource}.${taskId.slice(0, 12)}`;
    if (source === undefined && parsed.attrs[nodeIdAttr]) source = `${target.fallbackSource}@${parsed.attrs[nodeIdAttr].slice(0, 12)}`;
    return { source: source ?? target.fallbackSource, time: parsed.time, line: parsed.line };
  };

  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      const pieces = target.tty ? [{ stream: 1, data: chunk }] : frames.push(chunk);
      for (const piece of pieces) {
        for (const text of getSplitter(piece.stream).push(piece.data)) yield await toLogLine(text);
      }
    }
    for (const splitter of splitters.values()) for (const text of splitter.flush()) yield await toLogLine(text);
  } catch (error) {
    if (signal.aborted) return;
    throw toTransportError(error, client.endpoint);
  } finally {
    signal.removeEventListener("abort", onAbort);
    res.destroy();
  }
}
