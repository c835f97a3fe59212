import type { AppTarget, CancelSignal, LogLine, LogOptions, Slot } from "@meridian/core";
import type { DockerClient } from "../docker-client.js";
import { streamSwarmLogs } from "../logs.js";
import { listSlotServices } from "./app-state.js";

/** Lines of every slot's service (or one slot's), merged as they arrive. */
export async function* streamSlotLogs(client: DockerClient, t: AppTarget, opts: LogOptions & { slot?: Slot }, signal: CancelSignal): AsyncGenerator<LogLine> {
  const services = (await listSlotServices(client, t)).filter((s) => opts.slot === undefined || s.slot === opts.slot);
  const iterators = services.map(({ service }) => streamSwarmLogs(client, { kind: "SwarmService", name: service.ID, namespace: t.namespace }, opts, signal)[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<LogLine> }>>();
  const next = (index: number) => {
    const it = iterators[index];
    if (it) pending.set(index, it.next().then((result) => ({ index, result })));
  };
  for (let i = 0; i < iterators.length; i++) next(i);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      next(index);
      yield result.value;
    }
  } finally {
    await Promise.all(iterators.map((it) => it.return?.(undefined)));
  }
}
