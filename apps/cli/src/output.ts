import { stringify as stringifyYaml } from "yaml";
import { UsageError } from "./errors.js";

export const outputFormats = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const v = (value ?? "table").toLowerCase();
  if ((outputFormats as readonly string[]).includes(v)) return v as OutputFormat;
  throw new UsageError(`--output must be one of ${outputFormats.join(", ")} (got "${value}")`);
}

/** One column of a table, or one line of a detail view. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** `time` renders RFC 3339 strings relative to now ("3m ago", "in 2d"). */
  kind?: "time";
  /** Cells wider than this are cut with an ellipsis (default 48). */
  max?: number;
  /** Never cut or shrunk (ids people copy). */
  fixed?: boolean;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function formatRelativeTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = now - t;
  const abs = Math.abs(diff);
  if (abs < 5 * SECOND) return "just now";
  // past times round down ("3m ago" until 4m), future ones to nearest ("in 7d" for an expiry 6d23h away)
  const count = (unit: number) => (diff >= 0 ? Math.floor(abs / unit) : Math.max(1, Math.round(abs / unit)));
  let text: string;
  if (abs < MINUTE) text = `${count(SECOND)}s`;
  else if (abs < HOUR) text = `${count(MINUTE)}m`;
  else if (abs < DAY) text = `${count(HOUR)}h`;
  else if (abs < 400 * DAY) text = `${count(DAY)}d`;
  else return iso.slice(0, 10);
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

export function formatValue(value: unknown, kind?: "time", now?: number): string {
  if (value === null || value === undefined || value === "") return "-";
  if (kind === "time" && typeof value === "string") return formatRelativeTime(value, now);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map((v) => formatValue(v)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value).replace(/[\r\n\t]+/g, " ");
}

function widthOf(s: string): number {
  return [...s].length;
}

export function truncateCell(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 1) return "…".slice(0, max);
  return `${chars.slice(0, max - 1).join("")}…`;
}

function padEnd(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - widthOf(s)));
}

export interface TableOptions {
  /** Terminal width; columns shrink (widest first) to fit. Omit when not a terminal. */
  width?: number;
  color?: boolean;
  now?: number;
}

const GAP = "  ";
const MIN_COLUMN = 6;

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], opts: TableOptions = {}): string {
  const headers = columns.map((c) => c.header.toUpperCase());
  const cells = rows.map((row) =>
    columns.map((c) => {
      const text = formatValue(c.value(row), c.kind, opts.now);
      return c.fixed ? text : truncateCell(text, c.max ?? 48);
    }),
  );
  const widths = headers.map((h, i) => Math.max(widthOf(h), ...cells.map((r) => widthOf(r[i] ?? ""))));
  if (opts.width) fitWidths(widths, opts.width, columns.map((c) => c.fixed === true));
  const line = (parts: string[]) =>
    parts
      .map((p, i) => (i === parts.length - 1 ? truncateCell(p, widths[i] ?? 0) : padEnd(truncateCell(p, widths[i] ?? 0), widths[i] ?? 0)))
      .join(GAP)
      .trimEnd();
  const head = line(headers);
  const out = [opts.color ? `\x1b[1m${head}\x1b[0m` : head, ...cells.map(line)];
  return `${out.join("\n")}\n`;
}

function fitWidths(widths: number[], total: number, fixed: boolean[]): void {
  const used = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (used() > total) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (!fixed[i] && (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0))) widest = i;
    if (widest < 0 || (widths[widest] ?? 0) <= MIN_COLUMN) return;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
}

/** A single resource as aligned "Field: value" lines. */
export function renderDetails<T>(item: T, fields: readonly Column<T>[], opts: TableOptions = {}): string {
  const labelWidth = Math.max(...fields.map((f) => widthOf(f.header))) + 1;
  const lines = fields.map((f) => {
    const label = padEnd(`${f.header}:`, labelWidth);
    const value = formatValue(f.value(item), f.kind, opts.now);
    const shown = f.kind === "time" && value !== "-" ? `${value} (${String(f.value(item))})` : value;
    return `${opts.color ? `\x1b[1m${label}\x1b[0m` : label} ${shown}`;
  });
  return `${lines.join("\n")}\n`;
}

export function renderData(data: unknown, format: "json" | "yaml"): string {
  if (format === "json") return `${JSON.stringify(data, null, 2)}\n`;
  return stringifyYaml(data, { lineWidth: 0 });
}

export interface Printer {
  readonly format: OutputFormat;
  list<T>(items: readonly T[], columns: readonly Column<T>[], emptyMessage?: string): void;
  item<T>(item: T, fields: readonly Column<T>[]): void;
  /** Confirms an action: the sentence in table mode, the data (default { ok: true }) otherwise. */
  done(message: string, data?: unknown): void;
  /** Informational line on stderr, whatever the format. */
  note(message: string): void;
}

export interface PrinterOptions {
  format: OutputFormat;
  color: boolean;
  width?: number;
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
}

export function createPrinter(opts: PrinterOptions): Printer {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const tableOpts: TableOptions = { color: opts.color, ...(opts.width ? { width: opts.width } : {}) };
  return {
    format: opts.format,
    list(items, columns, emptyMessage = "No items.") {
      if (opts.format !== "table") out.write(renderData(items, opts.format));
      else if (items.length === 0) err.write(`${emptyMessage}\n`);
      else out.write(renderTable(items, columns, tableOpts));
    },
    item(item, fields) {
      if (opts.format !== "table") out.write(renderData(item, opts.format));
      else out.write(renderDetails(item, fields, tableOpts));
    },
    done(message, data = { ok: true }) {
      if (opts.format !== "table") out.write(renderData(data, opts.format));
      else out.write(`${message}\n`);
    },
    note(message) {
      err.write(`${message}\n`);
    },
  };
}

export interface Spinner {
  update(text: string): void;
  stop(finalText?: string): void;
}

const FRAMES = ["|", "/", "-", "\\"];

/** A progress line on stderr; silent unless stderr is a terminal. */
export function createSpinner(stream: NodeJS.WriteStream, enabled: boolean, text: string): Spinner {
  if (!enabled) return { update() {}, stop() {} };
  let frame = 0;
  let current = text;
  const draw = () => {
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`);
  };
  draw();
  const timer = setInterval(draw, 100);
  timer.unref();
  let stopped = false;
  return {
    update(t) {
      current = t;
    },
    stop(finalText) {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write("\r\x1b[2K");
      if (finalText) stream.write(`${finalText}\n`);
    },
  };
}
