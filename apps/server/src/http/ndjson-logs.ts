import { AppError, type LogLine } from "@meridian/core";
import type { RawResponse, RequestContext } from "./context.js";

/**
 * Streams log lines as JSON lines. Errors that happen right away (no such pod, no permission) become a normal
 * error response; the first line's promise is kept so no line is lost when it simply takes longer. Later
 * errors end the stream with one `{error}` line. The source stops when the client goes away.
 */
export async function respondWithLogLines(ctx: RequestContext, open: (signal: AbortSignal) => AsyncIterable<LogLine>, keep: (l: LogLine) => boolean = () => true): Promise<RawResponse> {
  const ctl = new AbortController();
  ctx.reply.raw.on("close", () => ctl.abort());
  const it = open(ctl.signal)[Symbol.asyncIterator]();
  let pendingFirst: Promise<IteratorResult<LogLine>> | null = it.next();
  pendingFirst.catch(() => undefined);
  await Promise.race([pendingFirst, new Promise((r) => setTimeout(r, 1500))]);
  async function* lines(): AsyncGenerator<string> {
    try {
      for (;;) {
        let r: IteratorResult<LogLine>;
        try {
          r = await (pendingFirst ?? it.next());
          pendingFirst = null;
        } catch (err) {
          if (!ctl.signal.aborted) yield `${JSON.stringify({ error: { code: err instanceof AppError ? err.code : "internal", message: (err as Error).message } })}\n`;
          return;
        }
        if (r.done) return;
        if (keep(r.value)) yield `${JSON.stringify(r.value)}\n`;
      }
    } finally {
      ctl.abort();
      await it.return?.(undefined);
    }
  }
  return { raw: true, contentType: "application/x-ndjson", body: lines() };
}
