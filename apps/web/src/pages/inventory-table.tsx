import { formatAge, formatCell, type InventoryItemView, type KindInfo } from "@meridian/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, memo, type ReactNode, useCallback, useEffect, useMemo, useRef } from "react";
import { useActionContext } from "../actions/action-context";
import { rowWorkloadActions } from "../actions/cluster-catalog";
import { actionLabel, actionState } from "../actions/registry";
import { healthTone } from "../clusters/health";
import { rowId } from "../clusters/live";
import { Badge } from "../ui/feedback";
import { FloatingMenu } from "../ui/floating-menu";
import { MenuItem } from "../ui/menu";
import { Button } from "../ui/button";
import { useNow } from "../ui/use-now";

/** Server-sortable columns map to the inventory's sort keys; catalog columns sort the loaded rows only. */
export type SortState = { key: string; desc: boolean; server: boolean } | null;

interface Col {
  id: string;
  header: string;
  min: number;
  /** Share of the spare width (fr); 0 keeps the column at its minimum. */
  grow: number;
  sort?: { server: string } | { summary: string };
  cell: (i: InventoryItemView, now: number) => ReactNode;
}

/** Narrowest useful widths: the header (uppercase, letter-spaced) or a typical value, whichever is wider. */
const minByKey: Record<string, number> = { ip: 135, node: 135, clusterIP: 110, images: 160, image: 160, message: 200, hosts: 160, ports: 110, addr: 120 };
const wideKeys = new Set(["images", "image", "message", "hosts", "ports", "node", "object", "subjects", "podSelector", "mountpoint"]);
const headerWidth = (header: string) => header.length * 9 + 32;

function columnsFor(kind: KindInfo, show: { cluster: boolean; namespace: boolean }): Col[] {
  const cols: Col[] = [];
  if (show.cluster) cols.push({ id: "cluster", header: "Cluster", min: 100, grow: 0.8, sort: { server: "cluster" }, cell: (i) => i.clusterSlug });
  if (kind.namespaced && show.namespace) {
    const header = kind.runtime === "swarm" ? "Stack" : "Namespace";
    cols.push({ id: "namespace", header, min: 120, grow: 1, sort: { server: "namespace" }, cell: (i) => <span title={i.namespace ?? undefined}>{i.namespace ?? "—"}</span> });
  }
  cols.push({ id: "name", header: "Name", min: 190, grow: 2.4, sort: { server: "name" }, cell: (i) => <strong className="row-name" title={i.name}>{i.name}</strong> });
  cols.push({ id: "status", header: "Status", min: 110, grow: 0.9, sort: { server: "status" }, cell: (i) => <Badge tone={healthTone[i.health]}>{i.status || i.health}</Badge> });
  for (const c of kind.columns) {
    cols.push({
      id: `s.${c.key}`,
      header: c.title,
      min: Math.max(headerWidth(c.title), minByKey[c.key] ?? 56),
      grow: wideKeys.has(c.key) ? 1.3 : 0.5,
      sort: { summary: c.key },
      cell: (i, now) => {
        const text = formatCell(i.summary[c.key], c.format, now);
        return <span title={text}>{text}</span>;
      },
    });
  }
  cols.push({ id: "age", header: "Age", min: 78, grow: 0, sort: { server: "createdAt" }, cell: (i, now) => formatAge(i.createdAt, now) });
  return cols;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

const ROW_HEIGHT = 42;

/**
 * The resource browser's table: virtualized rows (only visible ones are in the DOM), the next page is
 * fetched when the end comes into view, changed rows flash briefly. Arrow keys move between rows, Enter
 * opens one, and each row's ⋯ menu holds the commands from the action registry.
 */
export function InventoryTable({
  kind,
  rows,
  total,
  showCluster,
  showNamespace,
  sort,
  onSort,
  changed,
  hasNextPage,
  fetchingNext,
  fetchNext,
  onOpen,
  footer,
}: {
  kind: KindInfo;
  rows: InventoryItemView[];
  total: number;
  showCluster: boolean;
  showNamespace: boolean;
  sort: SortState;
  onSort: (s: SortState) => void;
  changed: ReadonlySet<string>;
  hasNextPage: boolean;
  fetchingNext: boolean;
  fetchNext: () => void;
  onOpen: (i: InventoryItemView) => void;
  footer?: ReactNode;
}) {
  const cols = useMemo(() => columnsFor(kind, { cluster: showCluster, namespace: showNamespace }), [kind, showCluster, showNamespace]);
  const sorted = useMemo(() => {
    if (!sort || sort.server) return rows;
    const key = sort.key;
    return [...rows].sort((a, b) => compareValues(a.summary[key], b.summary[key]) * (sort.desc ? -1 : 1));
  }, [rows, sort]);
  const template = `${cols.map((c) => (c.grow ? `minmax(${c.min}px, ${c.grow}fr)` : `${c.min}px`)).join(" ")} 48px`;
  // Head and rows share this minimum, so narrow screens scroll sideways instead of squeezing columns.
  const minWidth = cols.reduce((sum, c) => sum + c.min, 48);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: sorted.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 15 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= sorted.length - 20 && hasNextPage && !fetchingNext) fetchNext();
  }, [last, sorted.length, hasNextPage, fetchingNext, fetchNext]);
  const now = useNow();
  // Rows are memoized: the key handler reads the latest list through a ref instead of changing identity.
  const latest = useRef({ count: sorted.length, onOpen, virtualizer });
  latest.current = { count: sorted.length, onOpen, virtualizer };
  const onRowKey = useCallback((e: KeyboardEvent, index: number, item: InventoryItemView) => {
    const { count, onOpen: open, virtualizer: v } = latest.current;
    const focusRow = (target: number) => {
      const i = Math.max(0, Math.min(count - 1, target));
      v.scrollToIndex(i, { align: "auto" });
      requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
    };
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      focusRow(index + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      focusRow(e.key === "Home" ? 0 : count - 1);
    } else if (e.key === "Enter") {
      e.preventDefault();
      open(item);
    }
  }, []);
  function headerClick(c: Col) {
    if (!c.sort) return;
    const key = "server" in c.sort ? c.sort.server : c.sort.summary;
    const server = "server" in c.sort;
    onSort(sort?.key === key ? (sort.desc ? null : { key, desc: true, server }) : { key, desc: false, server });
  }

  return (
    <div className="vtable inventory-table" role="table" aria-label={`${kind.kind} objects`} aria-rowcount={total}>
      <div className="vtable-scroll" ref={scrollRef}>
        <div className="vtable-head" role="row" style={{ gridTemplateColumns: template, minWidth }}>
          {cols.map((c) => {
            const key = c.sort ? ("server" in c.sort ? c.sort.server : c.sort.summary) : "";
            const active = sort?.key === key;
            return (
              <div key={c.id} role="columnheader" className="vcell" aria-sort={active ? (sort?.desc ? "descending" : "ascending") : "none"}>
                <button type="button" className="sort-btn" onClick={() => headerClick(c)} title={c.sort && "summary" in c.sort && hasNextPage ? "Sorts the loaded rows" : `Sort by ${c.header.toLowerCase()}`}>
                  {c.header}
                  <span className="sort-mark" aria-hidden>
                    {active ? (sort?.desc ? "▼" : "▲") : ""}
                  </span>
                </button>
              </div>
            );
          })}
          <div role="columnheader" className="vcell">
            <span className="visually-hidden">Actions</span>
          </div>
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", minWidth }}>
          {items.map((vi) => {
            const item = sorted[vi.index];
            if (!item) return null;
            const id = rowId(item);
            return <Row key={id} item={item} index={vi.index} start={vi.start} template={template} minWidth={minWidth} cols={cols} now={now} flash={changed.has(id)} onOpen={onOpen} onKey={onRowKey} />;
          })}
        </div>
      </div>
      <div className="vtable-foot">
        <span className="muted small" data-testid="row-count">
          {sorted.length} of {total} {kind.plural}
          {hasNextPage ? " loaded — scroll for more" : ""}
        </span>
        {footer}
        {hasNextPage ? (
          <Button size="sm" onClick={fetchNext} busy={fetchingNext}>
            Load more
          </Button>
        ) : null}
      </div>
    </div>
  );
}

const Row = memo(function Row({
  item,
  index,
  start,
  template,
  minWidth,
  cols,
  now,
  flash,
  onOpen,
  onKey,
}: {
  item: InventoryItemView;
  index: number;
  start: number;
  template: string;
  minWidth: number;
  cols: Col[];
  now: number;
  flash: boolean;
  onOpen: (i: InventoryItemView) => void;
  onKey: (e: KeyboardEvent, index: number, item: InventoryItemView) => void;
}) {
  return (
    <div
      role="row"
      tabIndex={0}
      className={`vrow${flash ? " vrow-flash" : ""}`}
      data-index={index}
      data-name={item.name}
      data-status={item.status}
      style={{ gridTemplateColumns: template, minWidth, transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
      onClick={(e) => e.currentTarget.contains(e.target as Node) && onOpen(item)}
      onKeyDown={(e) => e.currentTarget.contains(e.target as Node) && onKey(e, index, item)}
    >
      {cols.map((c) => (
        <div key={c.id} role="cell" className={`vcell col-${c.id.replace(".", "-")}`}>
          {c.cell(item, now)}
        </div>
      ))}
      <div role="cell" className="vcell vcell-actions">
        <RowMenu item={item} />
      </div>
    </div>
  );
});

function RowMenu({ item }: { item: InventoryItemView }) {
  const ctx = useActionContext();
  return (
    <FloatingMenu label={`Actions for ${item.name}`} trigger="⋯">
      {(close) =>
        rowWorkloadActions.map((a) => {
          const state = actionState(a, ctx, item);
          return (
            <MenuItem
              key={a.id}
              disabled={!state.enabled}
              title={state.reason}
              onSelect={() => {
                close();
                void a.perform(ctx, item);
              }}
            >
              <span className={a.danger ? "text-danger" : undefined}>{actionLabel(a, item)}</span>
            </MenuItem>
          );
        })
      }
    </FloatingMenu>
  );
}
