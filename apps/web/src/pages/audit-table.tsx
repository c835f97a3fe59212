import type { AuditEvent } from "@meridian/core";
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { Badge, EmptyState, formatShortTime, Spinner } from "../ui/feedback";
import { Button } from "../ui/button";
import { useMediaQuery } from "../ui/use-media-query";

const resultTone = { success: "success", denied: "warning", failure: "danger" } as const;

const columns: ColumnDef<AuditEvent>[] = [
  { id: "seq", header: "#", cell: ({ row }) => <span className="mono muted">{row.original.seq}</span>, size: 70 },
  { id: "time", header: "Time", cell: ({ row }) => <time dateTime={row.original.time}>{formatShortTime(row.original.time)}</time>, size: 170 },
  { id: "actor", header: "Actor", cell: ({ row }) => row.original.actor.name, size: 150 },
  { id: "action", header: "Action", cell: ({ row }) => <code>{row.original.action}</code>, size: 200 },
  {
    id: "target",
    header: "Target",
    cell: ({ row }) => {
      const t = row.original.target;
      return (
        <span className="clamp">
          <span className="muted">{t.type}</span> {t.name ?? t.id ?? ""}
        </span>
      );
    },
    size: 260,
  },
  { id: "result", header: "Result", cell: ({ row }) => <Badge tone={resultTone[row.original.result]}>{row.original.result}</Badge>, size: 100 },
];

const ROW_HEIGHT = 44;

/** Virtualized, cursor-paginated table: only visible rows are in the DOM; nearing the end loads the next page. */
export function AuditTable({
  rows,
  loading,
  filtered,
  hasNextPage,
  fetchingNext,
  fetchNext,
  onSelect,
}: {
  rows: AuditEvent[];
  loading: boolean;
  filtered: boolean;
  hasNextPage: boolean;
  fetchingNext: boolean;
  fetchNext: () => void;
  onSelect: (e: AuditEvent) => void;
}) {
  // Phones get the three columns that tell the story; the drawer has the rest.
  const compact = useMediaQuery("(max-width: 820px)");
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
    state: { columnVisibility: compact ? { seq: false, actor: false, target: false } : {} },
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= rows.length - 10 && hasNextPage && !fetchingNext) fetchNext();
  }, [last, rows.length, hasNextPage, fetchingNext, fetchNext]);

  if (loading) return <Spinner label="Loading events…" />;
  if (rows.length === 0) return <EmptyState title={filtered ? "No events match these filters" : "No audit events yet"} body={filtered ? "Widen the time range or clear a filter." : undefined} />;
  const template = table
    .getVisibleLeafColumns()
    .map((c) =>
      compact
        ? c.id === "result"
          ? "auto"
          : "minmax(0, 1fr)"
        : c.id === "target"
          ? "minmax(140px, 2fr)"
          : c.id === "action"
            ? "minmax(140px, 1.4fr)"
            : `${c.getSize()}px`,
    )
    .join(" ");
  const tableRows = table.getRowModel().rows;
  return (
    <div className={`vtable${compact ? " vtable-compact" : ""}`} role="table" aria-label="Audit events" aria-rowcount={rows.length}>
      <div className="vtable-scroll" ref={scrollRef}>
        <div className="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
          {table.getHeaderGroups()[0]?.headers.map((h) => (
            <div key={h.id} role="columnheader" className={`vcell col-${h.column.id}`}>
              {flexRender(h.column.columnDef.header, h.getContext())}
            </div>
          ))}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((vi) => {
            const row = tableRows[vi.index];
            if (!row) return null;
            return (
              <div
                key={row.id}
                role="row"
                tabIndex={0}
                className="vrow"
                data-action={row.original.action}
                style={{ gridTemplateColumns: template, transform: `translateY(${vi.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(row.original)}
                onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), onSelect(row.original))}
              >
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="cell" className={`vcell col-${cell.column.id}`}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      <div className="vtable-foot">
        <span className="muted small">
          {rows.length} event{rows.length === 1 ? "" : "s"} loaded{hasNextPage ? "" : " — end of log"}
        </span>
        {hasNextPage ? (
          <Button size="sm" onClick={fetchNext} busy={fetchingNext}>
            Load more
          </Button>
        ) : null}
      </div>
    </div>
  );
}
