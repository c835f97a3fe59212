import type { ReactNode } from "react";
import { Badge } from "../ui/feedback";

/** One row of a conditions table: a cluster's health conditions or a Kubernetes object's status.conditions. */
export interface ConditionRow {
  type: string;
  status: string;
  reason?: string | null;
  message?: string | null;
  since?: string | null;
}

type Tone = "success" | "danger" | "warning" | "neutral";

/**
 * The conditions table both detail pages show. `toneOf` colours the status (a cluster's False is an outage,
 * an object's False often just "not yet"); `sinceCell` renders the transition time's cell the page's way.
 */
export function ConditionsTable(props: { rows: ConditionRow[]; toneOf: (status: string) => Tone; sinceCell: (iso: string | null | undefined) => ReactNode; label?: string; strongType?: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table responsive" aria-label={props.label}>
        <thead>
          <tr>
            <th>Type</th>
            <th>Status</th>
            <th>Reason</th>
            <th>Message</th>
            <th>Since</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((x) => (
            <tr key={x.type} data-condition={x.type}>
              <td data-label="Type">{props.strongType ? <strong>{x.type}</strong> : x.type}</td>
              <td data-label="Status">
                <Badge tone={props.toneOf(x.status)}>{x.status}</Badge>
              </td>
              <td data-label="Reason">{x.reason || "—"}</td>
              <td data-label="Message" className="cell-wrap">
                {x.message || "—"}
              </td>
              {props.sinceCell(x.since)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
