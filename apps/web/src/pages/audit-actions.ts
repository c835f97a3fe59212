import type { AuditQuery } from "@meridian/core";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import type { Action } from "../actions/registry";

export type AuditFilters = Pick<AuditQuery, "actor" | "action" | "target" | "result" | "since" | "until">;

const auditResults = ["success", "failure", "denied"] as const;

/** Audit filters live in the URL (?actor=&action=…), so a filtered view can be shared and survives reloads. */
export function parseAuditSearch(s: Record<string, unknown>): AuditFilters {
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim().slice(0, 200) : undefined);
  const iso = (v: unknown) => {
    const t = str(v);
    return t && !Number.isNaN(Date.parse(t)) ? new Date(t).toISOString() : undefined;
  };
  const result = auditResults.find((r) => r === s.result);
  const out: AuditFilters = { actor: str(s.actor), action: str(s.action), target: str(s.target), result, since: iso(s.since), until: iso(s.until) };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as AuditFilters;
}

async function download(ctx: Parameters<Action<AuditFilters>["perform"]>[0], filters: AuditFilters, format: "csv" | "jsonl") {
  try {
    const res = await api.raw("exportAuditEvents", { params: { orgId: ctx.orgId ?? "" }, query: { ...filters, format } });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `audit-${ctx.orgId}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.${format === "csv" ? "csv" : "jsonl"}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    ctx.notify("success", `Exported ${format === "csv" ? "CSV" : "JSON lines"}`);
  } catch (err) {
    ctx.notify("error", errorMessage(err));
  }
}

/** Exports use the filters currently applied on the page, so the file matches what is shown. */
export const auditExportActions = {
  csv: { id: "audit.export.csv", label: "Export CSV", section: "Audit", requires: "audit:export", perform: (ctx, f) => download(ctx, f, "csv") },
  jsonl: { id: "audit.export.jsonl", label: "Export JSON lines", section: "Audit", requires: "audit:export", perform: (ctx, f) => download(ctx, f, "jsonl") },
} satisfies Record<string, Action<AuditFilters>>;
