import { formatBytes, formatCell, formatMillicores, percentOf } from "@meridian/core";
import { memo, type KeyboardEvent, useMemo, useRef, useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { nodeActions, workloadActions } from "../actions/cluster-catalog";
import type { NodeTile } from "../clusters/health";
import { Badge, EmptyState } from "../ui/feedback";
import { Meter } from "../ui/meter";

/** Above this many nodes the map draws one small square per node instead of a card. */
const cardLimit = 120;

/**
 * The node map: one tile per node, coloured by health, filled by CPU and memory requested vs allocatable.
 * Tiles are plain buttons with a roving tabindex (one tab stop; arrows move), so 1,000 nodes stay cheap to
 * render and to walk with the keyboard. The selected node's details and commands show below the map.
 */
export function NodeMap({ clusterId, tiles, loading }: { clusterId: string; tiles: NodeTile[]; loading: boolean }) {
  const [filter, setFilter] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const [focus, setFocus] = useState(0);
  const [dense, setDense] = useState<boolean | null>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? tiles.filter((t) => `${t.item.name} ${t.item.status} ${Object.values(t.item.labels).join(" ")}`.toLowerCase().includes(needle)) : tiles;
  }, [tiles, filter]);
  const compact = dense ?? tiles.length > cardLimit;
  const current = tiles.find((t) => t.item.name === selected) ?? null;
  const problems = tiles.filter((t) => t.severity < 2).length;
  const cordoned = tiles.filter((t) => !t.schedulable).length;

  function move(e: KeyboardEvent) {
    if (shown.length === 0) return;
    const grid = gridRef.current;
    const first = grid?.firstElementChild as HTMLElement | null;
    const cols = grid && first ? Math.max(1, Math.round(grid.clientWidth / (first.offsetWidth + 6))) : 1;
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
    let next = focus;
    if (e.key in step) next = Math.min(shown.length - 1, Math.max(0, focus + (step[e.key] ?? 0)));
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = shown.length - 1;
    else return;
    e.preventDefault();
    setFocus(next);
    grid?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
  }

  return (
    <div className="node-map">
      <div className="toolbar">
        <input type="search" className="input search" placeholder="Filter nodes by name, status or label" aria-label="Filter nodes" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} />
        <span className="toolbar-note muted small" data-testid="node-counts">
          {tiles.length} node{tiles.length === 1 ? "" : "s"}
          {problems ? ` · ${problems} not ready` : ""}
          {cordoned ? ` · ${cordoned} cordoned` : ""}
        </span>
        <label className="checkbox toolbar-end small">
          <input type="checkbox" checked={compact} onChange={(e) => setDense(e.currentTarget.checked)} />
          <span>Compact</span>
        </label>
      </div>
      {tiles.length === 0 && !loading ? <EmptyState title="No nodes in the inventory yet" body="Nodes appear here as soon as the first list completes." /> : null}
      <div className={`node-grid${compact ? " node-grid-dense" : ""}`} ref={gridRef} role="group" aria-label="Nodes" onKeyDown={move}>
        {shown.map((t, i) => (
          <Tile key={t.item.key} tile={t} index={i} compact={compact} selected={t.item.name === selected} tabbable={i === Math.min(focus, shown.length - 1)} onSelect={(n) => { setSelected(n === selected ? null : n); setFocus(i); }} />
        ))}
      </div>
      <Legend />
      {current ? <NodeDetails clusterId={clusterId} tile={current} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}

const Tile = memo(function Tile({ tile: t, index, compact, selected, tabbable, onSelect }: { tile: NodeTile; index: number; compact: boolean; selected: boolean; tabbable: boolean; onSelect: (name: string) => void }) {
  const cpu = percentOf(t.cpuRequests, t.cpuCapacity);
  const mem = percentOf(t.memoryRequests, t.memoryCapacity);
  const label = `${t.item.name}: ${t.item.status}${t.schedulable ? "" : ", cordoned"}; CPU ${cpu ?? "?"}%, memory ${mem ?? "?"}% requested`;
  const common = {
    type: "button" as const,
    "data-index": index,
    "data-node": t.item.name,
    "data-tone": t.tone,
    className: `node-tile tone-${t.tone}${selected ? " selected" : ""}${compact ? " node-cell" : ""}`,
    tabIndex: tabbable ? 0 : -1,
    "aria-pressed": selected,
    title: label,
    onClick: () => onSelect(t.item.name),
  };
  if (compact) return <button {...common} aria-label={label} style={{ ["--cpu" as string]: `${Math.min(100, cpu ?? 0)}%` }} />;
  return (
    <button {...common} aria-label={label}>
      <span className="node-tile-name">{t.item.name}</span>
      <span className="node-tile-badges">
        {!t.ready ? <span className="mini-badge danger">{t.item.status || "NotReady"}</span> : null}
        {!t.schedulable ? <span className="mini-badge">cordoned</span> : null}
        {t.pressure.map((p) => (
          <span key={p} className="mini-badge warning" title={p}>
            {p.replace("Pressure", "")}
          </span>
        ))}
        {t.ready && t.schedulable && t.pressure.length === 0 ? <span className="muted">
            {t.pods} pod{t.pods === 1 ? "" : "s"}
          </span> : null}
      </span>
      <MiniBar label="CPU" pct={cpu} />
      <MiniBar label="Mem" pct={mem} />
    </button>
  );
});

function MiniBar({ label, pct }: { label: string; pct: number | null }) {
  return (
    <span className="mini-bar">
      <span className="mini-bar-label">{label}</span>
      <span className="mini-bar-track">
        <span className={`mini-bar-fill${pct !== null && pct > 95 ? " danger" : pct !== null && pct > 80 ? " warning" : ""}`} style={{ width: `${Math.min(100, pct ?? 0)}%` }} />
      </span>
      <span className="mini-bar-pct">{pct === null ? "—" : `${pct}%`}</span>
    </span>
  );
}

function Legend() {
  return (
    <ul className="node-legend small muted" aria-label="Legend">
      <li>
        <span className="legend-swatch tone-success" /> ready
      </li>
      <li>
        <span className="legend-swatch tone-warning" /> warning
      </li>
      <li>
        <span className="legend-swatch tone-danger" /> not ready
      </li>
      <li>
        <span className="legend-swatch tone-neutral" /> cordoned / unknown
      </li>
      <li>bars: requested of allocatable</li>
    </ul>
  );
}

// Summary keys the header and meters already show, and readable names for the rest.
const shownElsewhere = new Set(["cpu", "memory", "cpuRequests", "memoryRequests", "ready", "unschedulable", "pressure", "availability"]);
const factLabels: Record<string, string> = {
  roles: "Roles",
  version: "Kubelet",
  pods: "Pod capacity",
  instanceType: "Instance type",
  zone: "Zone",
  readyReason: "Ready reason",
  role: "Role",
  engine: "Engine",
  addr: "Address",
  hostname: "Hostname",
};

function NodeDetails({ clusterId, tile: t, onClose }: { clusterId: string; tile: NodeTile; onClose: () => void }) {
  const ctx = useActionContext();
  const target = { clusterId, node: t.item, schedulable: t.schedulable };
  const extra = Object.entries(t.item.summary).filter(([k, v]) => v !== null && v !== "" && !shownElsewhere.has(k));
  return (
    <section className="node-details card" aria-label={`Node ${t.item.name}`} data-testid="node-details">
      <header className="node-details-head">
        <div className="stack">
          <h3>{t.item.name}</h3>
          <span className="badges">
            <Badge tone={t.ready ? "success" : "danger"}>{t.item.status.replace(",SchedulingDisabled", "") || "unknown"}</Badge>
            {!t.schedulable ? <Badge tone="warning">cordoned</Badge> : null}
            {t.pressure.map((p) => (
              <Badge key={p} tone="warning">
                {p}
              </Badge>
            ))}
            <span className="muted small">
              {t.pods} pod{t.pods === 1 ? "" : "s"}
            </span>
          </span>
        </div>
        <div className="row-actions">
          <ActionButton action={workloadActions.view} target={t.item} size="sm" />
          <ActionButton action={t.schedulable ? nodeActions.cordon : nodeActions.uncordon} target={target} size="sm" />
          <ActionButton action={nodeActions.drain} target={target} size="sm" />
          <button type="button" className="icon-btn" aria-label="Close node details" onClick={onClose}>
            ×
          </button>
        </div>
      </header>
      <div className="meters">
        <Meter label="CPU requested" used={t.cpuRequests} capacity={t.cpuCapacity} format={formatMillicores} unit=" cores" />
        <Meter label="Memory requested" used={t.memoryRequests} capacity={t.memoryCapacity} format={formatBytes} />
      </div>
      {extra.length ? (
        <dl className="details small">
          {extra.map(([k, v]) => (
            <div key={k} className="details-row">
              <dt>{factLabels[k] ?? k}</dt>
              <dd>{formatCell(v, "text")}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {ctx.can("cluster:update") ? null : <p className="muted small">Cordon and drain need cluster:update.</p>}
    </section>
  );
}
