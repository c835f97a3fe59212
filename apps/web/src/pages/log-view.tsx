import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { useActionContext } from "../actions/action-context";
import { type LogEntry, type LogsRequest, sourceSlot, splitMatches, useLogStream } from "../clusters/logs";
import { Button } from "../ui/button";
import { Alert, ErrorState } from "../ui/feedback";
import { Checkbox } from "../ui/form";
import { useDebounced } from "../ui/use-debounced";

const tails = ["100", "500", "1000", "5000", ""] as const;
const sinces = [
  ["", "All time"],
  ["300", "5 minutes"],
  ["3600", "1 hour"],
  ["21600", "6 hours"],
  ["86400", "24 hours"],
] as const;
const LINE = 20;

/**
 * Logs of a pod/task, or merged over a workload's replicas, with the container and previous-container choices.
 */
export function LogView({ clusterId, kind, namespace, name, containers, container: initialContainer }: { clusterId: string; kind: string; namespace?: string; name: string; containers: string[]; container?: string }) {
  const ctx = useActionContext();
  const [previous, setPrevious] = useState(false);
  const [container, setContainer] = useState(initialContainer ?? "");
  const request = (o: LogOptions): LogsRequest => ({
    route: "streamLogs",
    input: {
      params: { orgId: ctx.orgId ?? "", clusterId },
      query: {
        kind,
        name,
        ...(namespace ? { namespace } : {}),
        ...(container ? { container } : {}),
        follow: o.follow ? "true" : "false",
        previous: previous ? "true" : "false",
        ...(o.tail ? { tail: Number(o.tail) } : {}),
        ...(o.since ? { since: Number(o.since) } : {}),
      },
    },
  });
  return (
    <LogPanel
      name={name}
      request={request}
      leading={
        containers.length > 1 ? (
          <label className="inline-field">
            <span>Container</span>
            <select className="input" value={container} onChange={(e) => setContainer(e.currentTarget.value)}>
              <option value="">Default</option>
              {containers.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        ) : null
      }
      trailing={<Checkbox label="Previous container" checked={previous} onChange={setPrevious} title="Logs of the last terminated container (after a crash)" />}
    />
  );
}

export interface LogOptions {
  follow: boolean;
  /** Lines to start with ("" = everything). */
  tail: string;
  /** Seconds back ("" = all time). */
  since: string;
}

/**
 * A log stream's view: streamed, filtered and highlighted as you type, virtualized (50,000 lines stay smooth),
 * following the end until you scroll up. The caller builds the request from the common options and may add
 * its own controls before (`leading`) and after (`trailing`) them.
 */
export function LogPanel({
  name,
  request,
  leading,
  trailing,
  windowed = true,
  endedText = "End of log",
  className,
}: {
  name: string;
  request: (o: LogOptions) => LogsRequest;
  leading?: ReactNode;
  trailing?: ReactNode;
  /** Offer the tail and since choices (a build's log is always whole). */
  windowed?: boolean;
  /** What the status line says once the stream ended (a followed build's log ends with the build). */
  endedText?: string;
  className?: string;
}) {
  const [follow, setFollow] = useState(true);
  const [tail, setTail] = useState<string>("500");
  const [since, setSince] = useState<string>("");
  const [q, setQ] = useState("");
  const needle = useDebounced(q, 150);
  const input = request({ follow, tail, since });
  const { lines, status, error, dropped } = useLogStream(input);
  const shown = useMemo(() => (needle ? lines.filter((l) => l.line.toLowerCase().includes(needle.toLowerCase()) || l.source.toLowerCase().includes(needle.toLowerCase())) : lines), [lines, needle]);
  const multiSource = useMemo(() => new Set(lines.slice(0, 2000).map((l) => l.source)).size > 1, [lines]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const [stick, setStick] = useState(true);
  const seenAtPause = useRef(0);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scrollRef.current, estimateSize: () => LINE, overscan: 30 });
  useEffect(() => {
    if (stick && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: "end" });
  }, [shown.length, stick, virtualizer]);
  function onScroll() {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < LINE * 2;
    if (atBottom !== stick) {
      if (!atBottom) seenAtPause.current = shown.length;
      setStick(atBottom);
    }
  }
  const unseen = stick ? 0 : Math.max(0, shown.length - seenAtPause.current);
  const statusText = { connecting: "Connecting…", streaming: follow ? "Following" : "Loading", ended: endedText, error: "Stream failed" }[status];

  return (
    <div className={`log-view${className ? ` ${className}` : ""}`}>
      <div className="log-toolbar">
        {leading}
        {windowed ? (
          <>
            <label className="inline-field">
              <span>Tail</span>
              <select className="input" value={tail} onChange={(e) => setTail(e.currentTarget.value)}>
                {tails.map((t) => (
                  <option key={t} value={t}>
                    {t ? `${t} lines` : "Everything"}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-field">
              <span>Since</span>
              <select className="input" value={since} onChange={(e) => setSince(e.currentTarget.value)}>
                {sinces.map(([v, label]) => (
                  <option key={v} value={v}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : null}
        <Checkbox label="Follow" checked={follow} onChange={setFollow} />
        {trailing}
        <input type="search" className="input search log-search" placeholder="Filter lines" aria-label="Filter log lines" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
      </div>
      {error ? <ErrorState error={error} /> : null}
      {dropped ? <Alert kind="info">Showing the last {lines.length.toLocaleString()} lines; {dropped.toLocaleString()} older lines were dropped.</Alert> : null}
      <div className="log-frame">
        <div className="log-scroll" ref={scrollRef} onScroll={onScroll} tabIndex={0} role="log" aria-label={`Logs of ${name}`} aria-live="off" data-testid="log-lines">
          {shown.length === 0 ? (
            <div className="log-empty muted">{status === "connecting" ? "Connecting…" : needle && lines.length ? "No line matches the filter." : status === "streaming" ? "Waiting for output…" : "No output."}</div>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
              {virtualizer.getVirtualItems().map((vi) => {
                const l = shown[vi.index];
                return l ? <Line key={vi.key} entry={l} start={vi.start} needle={needle} showSource={multiSource} /> : null;
              })}
            </div>
          )}
        </div>
        {!stick ? (
          <Button size="sm" variant="primary" className="log-jump" onClick={() => setStick(true)}>
            {unseen ? `${unseen} new line${unseen === 1 ? "" : "s"} — ` : ""}Jump to latest ↓
          </Button>
        ) : null}
      </div>
      <div className="log-status small muted" data-testid="log-status">
        <span className={`live-note live-${status === "streaming" ? "live" : status === "error" ? "closed" : "connecting"}`}>
          <span className="dot" aria-hidden /> {statusText}
        </span>
        <span>
          {needle ? `${shown.length.toLocaleString()} of ` : ""}
          {lines.length.toLocaleString()} line{lines.length === 1 ? "" : "s"}
          {!stick ? " · paused while scrolled up" : ""}
        </span>
      </div>
    </div>
  );
}

const Line = memo(function Line({ entry, start, needle, showSource }: { entry: LogEntry; start: number; needle: string; showSource: boolean }) {
  return (
    <div className="log-line" style={{ transform: `translateY(${start}px)` }} title={entry.time ?? undefined}>
      {showSource && entry.source ? <span className={`log-source src-${sourceSlot(entry.source)}`}>{entry.source}</span> : null}
      <span className="log-text">
        {splitMatches(entry.line, needle).map((p, i) =>
          p.match ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: fragments of one line, in order
            <mark key={i}>{p.text}</mark>
          ) : (
            p.text
          ),
        )}
      </span>
    </div>
  );
});
