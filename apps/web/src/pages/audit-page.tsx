import type { AuditEvent } from "@meridian/core";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useEffect, useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { globalActions } from "../actions/catalog";
import { flattenPages, useApiInfinite } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { PageHeader } from "../resources/resource-list";
import { Button } from "../ui/button";
import { Drawer } from "../ui/dialog";
import { Alert, Badge, ErrorState, formatTime } from "../ui/feedback";
import { Checkbox, SelectField, TextField } from "../ui/form";
import { type AuditFilters, auditExportActions, parseAuditSearch } from "./audit-actions";
import { AuditTable } from "./audit-table";

interface Draft {
  actor: string;
  action: string;
  target: string;
  result: string;
  since: string;
  until: string;
}
const emptyDraft: Draft = { actor: "", action: "", target: "", result: "", since: "", until: "" };

/** datetime-local inputs speak local wall-clock time without a zone. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function toDraft(f: AuditFilters): Draft {
  return { actor: f.actor ?? "", action: f.action ?? "", target: f.target ?? "", result: f.result ?? "", since: toLocalInput(f.since), until: toLocalInput(f.until) };
}

function toFilters(d: Draft): AuditFilters {
  const iso = (v: string) => (v ? new Date(v).toISOString() : undefined);
  return {
    actor: d.actor.trim() || undefined,
    action: d.action.trim() || undefined,
    target: d.target.trim() || undefined,
    result: (d.result || undefined) as AuditFilters["result"],
    since: iso(d.since),
    until: iso(d.until),
  };
}

export function AuditPage() {
  const orgId = useOrgId();
  const ctx = useActionContext();
  const filters = useSearch({ from: "/shell/orgs/$orgId/audit" });
  const navigate = useNavigate({ from: "/orgs/$orgId/audit" });
  const [draft, setDraft] = useState<Draft>(() => toDraft(filters));
  const setFilters = (f: AuditFilters) => void navigate({ search: parseAuditSearch(f as Record<string, unknown>) });
  const filterKey = JSON.stringify(filters);
  // Back/forward changes the URL's filters: show them in the form too.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the serialized filters on purpose
  useEffect(() => setDraft(toDraft(filters)), [filterKey]);
  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const allowed = ctx.can("audit:read");
  const [live, setLive] = useState(false);
  // Live mode re-reads the loaded pages every few seconds so new events appear at the top.
  const list = useApiInfinite("listAuditEvents", { params: { orgId }, query: { ...filters, limit: 100, sort: "-seq" } }, { enabled: allowed, refetchInterval: live ? 5000 : false });
  const rows = flattenPages(list.data);
  const set = (k: keyof Draft) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [k]: value }));
  };
  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters(toFilters(draft));
  }
  const active = Object.values(filters).filter(Boolean).length;
  return (
    <section className="audit-page">
      <PageHeader
        title="Audit log"
        description="Every change and sign-in, hash-chained so tampering shows."
        actions={
          <>
            <ActionButton action={auditExportActions.csv} target={filters} />
            <ActionButton action={auditExportActions.jsonl} target={filters} />
            <ActionButton action={globalActions.verifyAudit} variant="primary" />
          </>
        }
      />
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        <TextField label="Actor" placeholder="username or token" value={draft.actor} onChange={set("actor")} />
        <TextField label="Action" placeholder="project.create or project.*" value={draft.action} onChange={set("action")} />
        <TextField label="Target" placeholder="id or name" value={draft.target} onChange={set("target")} />
        <SelectField label="Result" value={draft.result} onChange={set("result")}>
          <option value="">Any</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
          <option value="denied">denied</option>
        </SelectField>
        <TextField label="Since" type="datetime-local" value={draft.since} onChange={set("since")} />
        <TextField label="Until" type="datetime-local" value={draft.until} onChange={set("until")} />
        <div className="filter-actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button
            onClick={() => {
              setDraft(emptyDraft);
              setFilters({});
            }}
            disabled={active === 0 && Object.values(draft).every((v) => !v)}
          >
            Clear
          </Button>
          <Checkbox label="Live" checked={live} onChange={setLive} title="Refresh every 5 seconds" />
        </div>
      </form>
      {!allowed ? <Alert kind="info">Your role does not grant audit:read.</Alert> : null}
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {allowed && !list.error ? (
        <AuditTable
          rows={rows}
          loading={list.isLoading}
          filtered={active > 0}
          hasNextPage={list.hasNextPage}
          fetchingNext={list.isFetchingNextPage}
          fetchNext={() => void list.fetchNextPage()}
          onSelect={setSelected}
        />
      ) : null}
      {selected ? <AuditDetails event={selected} onClose={() => setSelected(null)} /> : null}
    </section>
  );
}

function AuditDetails({ event: e, onClose }: { event: AuditEvent; onClose: () => void }) {
  return (
    <Drawer title={`Event #${e.seq}`} onClose={onClose}>
      <dl className="details">
        <dt>Time</dt>
        <dd>{formatTime(e.time)}</dd>
        <dt>Action</dt>
        <dd>
          <code>{e.action}</code>
        </dd>
        <dt>Result</dt>
        <dd>
          <ResultBadge result={e.result} />
        </dd>
        <dt>Actor</dt>
        <dd>
          {e.actor.name} <span className="muted">({e.actor.kind})</span>
        </dd>
        <dt>Target</dt>
        <dd>
          {e.target.type} {e.target.name ?? ""} <span className="muted mono small">{e.target.id ?? ""}</span>
        </dd>
        <dt>IP</dt>
        <dd>{e.ip ?? "—"}</dd>
        <dt>User agent</dt>
        <dd className="small">{e.userAgent ?? "—"}</dd>
        <dt>Request</dt>
        <dd className="mono small">{e.requestId ?? "—"}</dd>
      </dl>
      <h3>Summary</h3>
      <pre className="code-block" data-testid="audit-summary">
        {JSON.stringify(e.summary, null, 2)}
      </pre>
      <h3>Hash chain</h3>
      <dl className="details">
        <dt>Hash</dt>
        <dd className="mono small break">{e.hash}</dd>
        <dt>Previous</dt>
        <dd className="mono small break">{e.prevHash}</dd>
      </dl>
    </Drawer>
  );
}

function ResultBadge({ result }: { result: AuditEvent["result"] }) {
  return <Badge tone={result === "success" ? "success" : result === "denied" ? "warning" : "danger"}>{result}</Badge>;
}
