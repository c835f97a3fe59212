import type { CallInput } from "@meridian/client";
import type { Routes } from "@meridian/core";
import { useEffect, useRef, useState } from "react";
import { api } from "../api/client";

export interface LogEntry {
  source: string;
  time: string | null;
  line: string;
}

/** Splits a byte stream's decoded text into complete lines; the unfinished tail waits for the next chunk. */
export function createLineSplitter(): (chunk: string, end?: boolean) => string[] {
  let rest = "";
  return (chunk, end = false) => {
    const text = rest + chunk;
    const parts = text.split("\n");
    rest = end ? "" : (parts.pop() ?? "");
    return parts.filter((l) => l.trim() !== "");
  };
}

/** A JSON line from streamLogs; lines that are not JSON are kept as text so nothing is silently lost. */
export function parseLogLine(raw: string): LogEntry {
  try {
    const v = JSON.parse(raw) as Partial<LogEntry>;
    if (typeof v.line === "string") return { source: typeof v.source === "string" ? v.source : "", time: typeof v.time === "string" ? v.time : null, line: v.line };
  } catch {
    // fall through
  }
  return { source: "", time: null, line: raw };
}

/** A stable colour slot (0..7) per source, so each replica keeps its colour for the whole stream. */
export function sourceSlot(source: string): number {
  let h = 0;
  for (let i = 0; i < source.length; i++) h = (h * 31 + source.charCodeAt(i)) >>> 0;
  return h % 8;
}

/** Splits `text` around case-insensitive matches of `q`, for highlighting. */
export function splitMatches(text: string, q: string): { text: string; match: boolean }[] {
  if (!q) return [{ text, match: false }];
  const out: { text: string; match: boolean }[] = [];
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, at)) {
    if (i > at) out.push({ text: text.slice(at, i), match: false });
    out.push({ text: text.slice(i, i + needle.length), match: true });
    at = i + needle.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}

export type LogStatus = "connecting" | "streaming" | "ended" | "error";
export type LogsInput = CallInput<Routes["streamLogs"]>;
/** The log routes answer the same JSON lines: a cluster object's (streamLogs), an app's replicas' (streamAppLogs) and a build's (streamBuildLogs). */
export type LogsRequest =
  | { route: "streamLogs"; input: LogsInput }
  | { route: "streamAppLogs"; input: CallInput<Routes["streamAppLogs"]> }
  | { route: "streamBuildLogs"; input: CallInput<Routes["streamBuildLogs"]> };

/** Keeps the browser responsive on chatty workloads: older lines are dropped past this many. */
export const maxLogLines = 50_000;

/**
 * Reads a log route as NDJSON through fetch's ReadableStream. Lines are buffered and handed to React ten
 * times a second; changing the input restarts the stream and unmounting cancels it (which closes the HTTP
 * request, so the server stops following).
 */
export function useLogStream(input: LogsRequest | null): { lines: LogEntry[]; status: LogStatus; error: unknown; dropped: number } {
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<LogStatus>("connecting");
  const [error, setError] = useState<unknown>(null);
  const [dropped, setDropped] = useState(0);
  const key = input ? JSON.stringify(input) : null;
  const inputRef = useRef(input);
  inputRef.current = input;
  useEffect(() => {
    const current = inputRef.current;
    if (!key || !current) return;
    let cancelled = false;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let buffer: LogEntry[] = [];
    let droppedCount = 0;
    let dirty = false;
    setLines([]);
    setDropped(0);
    setError(null);
    setStatus("connecting");
    const flush = () => {
      if (!dirty || cancelled) return;
      dirty = false;
      setLines(buffer.slice());
      setDropped(droppedCount);
    };
    const timer = setInterval(flush, 100);
    (async () => {
      try {
        const res =
          current.route === "streamLogs"
            ? await api.raw("streamLogs", current.input)
            : current.route === "streamAppLogs"
              ? await api.raw("streamAppLogs", current.input)
              : await api.raw("streamBuildLogs", current.input);
        if (cancelled) {
          await res.body?.cancel();
          return;
        }
        reader = res.body?.getReader();
        if (!reader) throw new Error("the server sent no log stream");
        setStatus("streaming");
        const decoder = new TextDecoder();
        const split = createLineSplitter();
        for (;;) {
          const { done, value } = await reader.read();
          const raw = done ? split(decoder.decode(), true) : split(decoder.decode(value, { stream: true }));
          if (raw.length > 0) {
            buffer = buffer.concat(raw.map(parseLogLine));
            if (buffer.length > maxLogLines) {
              droppedCount += buffer.length - maxLogLines;
              buffer = buffer.slice(buffer.length - maxLogLines);
            }
            dirty = true;
          }
          if (done) break;
        }
        if (!cancelled) {
          flush();
          setStatus("ended");
        }
      } catch (err) {
        if (cancelled) return;
        flush();
        setError(err);
        setStatus("error");
      }
    })();
    return () => {
      cancelled = true;
      clearInterval(timer);
      void reader?.cancel().catch(() => {});
    };
  }, [key]);
  return { lines, status, error, dropped };
}
