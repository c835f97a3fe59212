/**
 * Docker's log streams. Without a TTY each write is a frame: 8-byte header [stream, 0, 0, 0, size (uint32 BE)]
 * then `size` bytes. With timestamps and details each line reads `<RFC3339Nano> <k=v,k=v> <text>`.
 */

export type StreamId = 0 | 1 | 2 | 3;
export interface LogFrame {
  stream: StreamId;
  data: Buffer;
}

const headerSize = 8;

/** Splits a multiplexed byte stream into frames; chunks may cut headers or payloads anywhere. */
export function createFrameDecoder(): { push(chunk: Buffer): LogFrame[]; pending(): number } {
  let buffer: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const frames: LogFrame[] = [];
      while (buffer.length >= headerSize) {
        const size = buffer.readUInt32BE(4);
        if (buffer.length < headerSize + size) break;
        const stream = (buffer[0] ?? 1) & 3;
        frames.push({ stream: stream as StreamId, data: buffer.subarray(headerSize, headerSize + size) });
        buffer = buffer.subarray(headerSize + size);
      }
      return frames;
    },
    pending: () => buffer.length,
  };
}

/** Collects text into whole lines (a long line may arrive over several frames or chunks). */
export function createLineSplitter(): { push(data: Buffer): string[]; flush(): string[] } {
  let rest = "";
  const decoder = new TextDecoder("utf-8");
  return {
    push(data) {
      const text = rest + decoder.decode(data, { stream: true });
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
    },
    flush() {
      const last = rest + decoder.decode();
      rest = "";
      return last === "" ? [] : [last];
    },
  };
}

export interface ParsedLogLine {
  time: string | null;
  attrs: Record<string, string>;
  line: string;
}

const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}) /;

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** Reads the timestamp and the `details` attributes (url-query escaped, comma separated) off one line. */
export function parseLogLine(text: string, opts: { timestamps: boolean; details: boolean }): ParsedLogLine {
  let rest = text;
  let time: string | null = null;
  if (opts.timestamps) {
    const match = timestampPattern.exec(rest);
    if (match) {
      time = match[0].trimEnd();
      rest = rest.slice(match[0].length);
    }
  }
  const attrs: Record<string, string> = {};
  if (opts.details) {
    const space = rest.indexOf(" ");
    const head = space === -1 ? rest : rest.slice(0, space);
    // An empty attribute set still leaves its separating space.
    if (head === "" || head.includes("=")) {
      for (const pair of head.split(",")) {
        const eq = pair.indexOf("=");
        if (eq > 0) attrs[decodeQueryComponent(pair.slice(0, eq))] = decodeQueryComponent(pair.slice(eq + 1));
      }
      rest = space === -1 ? "" : rest.slice(space + 1);
    }
  }
  return { time, attrs, line: rest };
}
