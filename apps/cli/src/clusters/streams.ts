import { CliError } from "../errors.js";

/**
 * Feeds a streamed response body to `onLine` line by line as it arrives. Ctrl+C cancels the stream
 * and returns normally: ending `-f`/`-w` that way is how people stop them, not a failure.
 */
export async function readBodyLines(res: Response, onLine: (line: string) => void): Promise<{ interrupted: boolean }> {
  if (!res.body) return { interrupted: false };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    reader.cancel().catch(() => {});
  };
  process.once("SIGINT", onSigint);
  let buffer = "";
  let done = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (interrupted) break;
        throw new CliError(`the stream from the server broke off: ${(err as Error).message}`);
      }
      if (chunk.done) {
        done = true;
        break;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        onLine(line);
      }
    }
    buffer += decoder.decode();
    if (buffer !== "" && !interrupted) onLine(buffer);
  } finally {
    process.off("SIGINT", onSigint);
    // a failing line handler must not leave a followed stream holding the process open
    if (!done && !interrupted) reader.cancel().catch(() => {});
  }
  return { interrupted };
}

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** A Server-Sent Events parser fed one line at a time; a blank line dispatches the event. */
export function createSseParser(onEvent: (e: SseEvent) => void): (line: string) => void {
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  return (line) => {
    if (line === "") {
      if (data.length > 0) onEvent({ event: event || "message", data: data.join("\n"), ...(id !== undefined ? { id } : {}) });
      event = "";
      data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  };
}
