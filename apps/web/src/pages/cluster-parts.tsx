import { type Cluster, formatBytes, formatMillicores } from "@meridian/core";
import { clusterStateTone, syncProgress } from "../clusters/health";
import { Badge, formatTime } from "../ui/feedback";
import { Meter } from "../ui/meter";

/** Pieces shared by the clusters overview and the cluster detail page. */

export function StateBadge({ state }: { state: Cluster["state"] }) {
  return (
    <Badge tone={clusterStateTone[state]}>
      <span className={`dot dot-${clusterStateTone[state]}`} aria-hidden />
      {state}
    </Badge>
  );
}

const conditionTone = { True: "success", False: "danger", Unknown: "warning" } as const;

/** One chip per condition; a failing one shows its reason inline, the message is on hover. */
export function ConditionChips({ conditions }: { conditions: Cluster["conditions"] }) {
  if (conditions.length === 0) return <span className="muted small">No conditions reported yet</span>;
  return (
    <ul className="condition-chips" aria-label="Conditions">
      {conditions.map((c) => (
        <li
          key={c.type}
          className={`condition-chip condition-${conditionTone[c.status]}`}
          title={`${c.type}=${c.status}${c.reason ? ` · ${c.reason}` : ""}${c.message ? `: ${c.message}` : ""} (since ${formatTime(c.lastTransitionTime)})`}
        >
          <span className={`dot dot-${conditionTone[c.status]}`} aria-hidden />
          {c.type}
          {c.status !== "True" ? <span className="condition-reason">{c.reason || c.status}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function CapacityMeters({ summary, compact }: { summary: Cluster["summary"]; compact?: boolean }) {
  return (
    <div className="meters">
      <Meter label="CPU requests" used={summary.cpuRequests} capacity={summary.cpuCapacity} format={formatMillicores} unit=" cores" compact={compact} />
      <Meter label="Memory requests" used={summary.memoryRequests} capacity={summary.memoryCapacity} format={formatBytes} compact={compact} />
    </div>
  );
}

/** While kinds are still being listed the numbers are partial: say so, with progress. */
export function SyncProgress({ cluster }: { cluster: Pick<Cluster, "inventory"> }) {
  const p = syncProgress(cluster);
  if (p.total === 0 || (p.done === p.total && p.errors === 0)) return null;
  const pct = Math.round((p.done / p.total) * 100);
  return (
    <div className="sync-progress" role="status">
      <div className="meter-label small">
        <span>{p.errors ? `Inventory: ${p.errors} kind${p.errors === 1 ? "" : "s"} failing` : "Syncing inventory…"}</span>
        <span className="muted">
          {p.done}/{p.total} kinds
        </span>
      </div>
      <div className="meter-track">
        <div className={`meter-fill ${p.errors ? "meter-warning" : "meter-sync"}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** The CLI command shown in empty states, so connecting from a terminal is one copy away. */
export const connectCommand = "meridian clusters add prod --kubeconfig ~/.kube/config --context prod";
