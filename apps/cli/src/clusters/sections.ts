import { type Column, renderTable } from "../output.js";
import type { Runtime } from "../runtime.js";

/** Whether stdout gets ANSI colour (a terminal, and NO_COLOR unset), as the printer decides it. */
export function useColor(rt: Runtime): boolean {
  return Boolean(process.stdout.isTTY) && !rt.env.noColor;
}

/** A titled, indented table under a detail view (conditions, events); "<none>" when empty, as kubectl does. */
export function writeSection<T>(rt: Runtime, title: string, rows: readonly T[], columns: readonly Column<T>[]): void {
  const color = useColor(rt);
  const heading = color ? `\x1b[1m${title}:\x1b[0m` : `${title}:`;
  if (rows.length === 0) {
    process.stdout.write(`${heading} <none>\n`);
    return;
  }
  const width = process.stdout.isTTY && process.stdout.columns ? { width: process.stdout.columns - 2 } : {};
  const table = renderTable(rows, columns, { color, ...width });
  process.stdout.write(`${heading}\n${table.replace(/^(?=.)/gm, "  ")}`);
}
