import { formatAge, formatCell, type InventoryItemView } from "@meridian/core";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";
import { ActionButton } from "../actions/action-button";
import { workloadActions } from "../actions/cluster-catalog";
import { useApiQuery } from "../api/hooks";
import { healthTone } from "../clusters/health";
import { containerNames, kindInfo } from "../clusters/kinds";
import { PageHeader } from "../resources/resource-list";
import { Badge, EmptyState, ErrorState, formatTime, Spinner } from "../ui/feedback";
import { Tabs } from "../ui/tabs";
import { ConditionsTable } from "./conditions-table";
import { LogView } from "./log-view";
import { ResourceYaml } from "./resource-yaml";

type Tab = "overview" | "yaml" | "events" | "related" | "logs";
type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

export function ResourceDetailPage() {
  const { orgId, clusterId } = useParams({ from: "/shell/orgs/$orgId/clusters/$clusterId/resource" });
  const s = useSearch({ from: "/shell/orgs/$orgId/clusters/$clusterId/resource" });
  const navigate = useNavigate({ from: "/orgs/$orgId/clusters/$clusterId/resource" });
  const info = kindInfo(s.kind);
  const query = { kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}), ...(s.apiVersion ? { apiVersion: s.apiVersion } : {}) };
  const detail = useApiQuery("getResource", { params: { orgId, clusterId }, query }, { enabled: !!s.kind && !!s.name });
  const cluster = useApiQuery("getCluster", { params: { orgId, clusterId } });
  // The inventory's slim row carries status, health and the catalog's columns, and is what row commands take.
  const rows = useApiQuery("queryInventory", { params: { orgId }, query: { kind: s.kind, cluster: clusterId, ...(s.namespace ? { namespace: s.namespace } : {}), q: s.name, limit: 50 } }, { enabled: !!s.kind && !!s.name });
  const item = rows.data?.items.find((i) => i.name === s.name && (i.namespace ?? undefined) === s.namespace);
  const tab = (["overview", "yaml", "events", "related", "logs"].includes(s.tab ?? "") ? s.tab : "overview") as Tab;
  const setTab = (t: Tab) => void navigate({ search: (prev) => ({ ...prev, tab: t === "overview" ? undefined : t }), replace: true });
  if (!s.kind || !s.name) return <EmptyState title="No object chosen" body="Open an object from the resource browser." />;
  const tabs = [
    { id: "overview" as const, label: "Overview" },
    { id: "yaml" as const, label: "YAML" },
    { id: "events" as const, label: `Events${detail.data ? ` (${detail.data.events.length})` : ""}` },
    { id: "related" as const, label: `Related${detail.data ? ` (${detail.data.related.length})` : ""}` },
    ...(info.hasLogs ? [{ id: "logs" as const, label: "Logs" }] : []),
  ];
  return (
    <section className="resource-detail wide-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/orgs/$orgId/resources" params={{ orgId }} search={{ kind: s.kind }}>
          {info.plural.charAt(0).toUpperCase() + info.plural.slice(1)}
        </Link>
        <span aria-hidden>/</span>
        <Link to="/orgs/$orgId/clusters/$clusterId" params={{ orgId, clusterId }}>
          {cluster.data?.name ?? clusterId}
        </Link>
        {s.namespace ? (
          <>
            <span aria-hidden>/</span>
            <span>{s.namespace}</span>
          </>
        ) : null}
      </nav>
      <PageHeader
        title={s.name}
        description={
          <span className="title-line">
            {s.kind}
            {item ? <Badge tone={healthTone[item.health]}>{item.status || item.health}</Badge> : null}
          </span>
        }
        actions={item ? <ItemActions item={item} /> : null}
      />
      <Tabs label="Resource views" tabs={tabs} value={tab} onChange={setTab} />
      {detail.isLoading ? <Spinner label="Loading from the cluster…" /> : null}
      {detail.error ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : null}
      {detail.data && tab === "overview" ? <Overview object={detail.data.object} item={item} kind={s.kind} orgId={orgId} clusterId={clusterId} /> : null}
      {detail.data && tab === "yaml" ? <ResourceYaml key={detail.data.yaml} clusterId={clusterId} yaml={detail.data.yaml} namespace={s.namespace} /> : null}
      {detail.data && tab === "events" ? <Events events={detail.data.events} /> : null}
      {detail.data && tab === "related" ? <Related items={detail.data.related} orgId={orgId} /> : null}
      {tab === "logs" && info.hasLogs ? <LogView clusterId={clusterId} kind={s.kind} namespace={s.namespace} name={s.name} containers={containerNames(detail.data?.object)} /> : null}
    </section>
  );
}

function ItemActions({ item }: { item: InventoryItemView }) {
  const info = kindInfo(item.kind);
  return (
    <>
      {info.hasLogs ? <ActionButton action={workloadActions.logs} target={item} /> : null}
      {info.scalable ? <ActionButton action={workloadActions.scale} target={item} /> : null}
      {info.restartable ? <ActionButton action={workloadActions.restart} target={item} /> : null}
      {info.rollbackable ? <ActionButton action={workloadActions.rollback} target={item} /> : null}
      <ActionButton action={workloadActions.removeAndLeave} target={item} />
    </>
  );
}

function Overview({ object, item, kind, orgId, clusterId }: { object: Obj; item: InventoryItemView | undefined; kind: string; orgId: string; clusterId: string }) {
  const meta = rec(object.metadata);
  const labels = Object.entries(rec(meta.labels) as Record<string, string>);
  const annotations = Object.keys(rec(meta.annotations));
  const owners = Array.isArray(meta.ownerReferences) ? (meta.ownerReferences as { kind: string; name: string }[]) : [];
  const conditions = Array.isArray(rec(object.status).conditions) ? (rec(object.status).conditions as Obj[]) : [];
  const info = kindInfo(kind);
  const created = typeof meta.creationTimestamp === "string" ? meta.creationTimestamp : (item?.createdAt ?? null);
  return (
    <div className="overview">
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>{item ? <Badge tone={healthTone[item.health]}>{item.status || item.health}</Badge> : "—"}</dd>
        </div>
        {meta.namespace ? (
          <div>
            <dt>Namespace</dt>
            <dd>{String(meta.namespace)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Age</dt>
          <dd title={formatTime(created)}>{formatAge(created)}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>
            {owners.length
              ? owners.map((o) => (
                  <Link key={`${o.kind}/${o.name}`} to="/orgs/$orgId/clusters/$clusterId/resource" params={{ orgId, clusterId }} search={{ kind: o.kind, name: o.name, namespace: typeof meta.namespace === "string" ? meta.namespace : undefined }}>
                    {o.kind}/{o.name}
                  </Link>
                ))
              : item?.owner
                ? `${item.owner.kind}/${item.owner.name}`
                : "none"}
          </dd>
        </div>
        <div>
          <dt>UID</dt>
          <dd className="mono small">{String(meta.uid ?? meta.id ?? item?.uid ?? "—")}</dd>
        </div>
      </dl>
      {item && info.columns.length ? (
        <>
          <h3 className="section-title">Summary</h3>
          <dl className="facts">
            {info.columns.map((c) => (
              <div key={c.key}>
                <dt>{c.title}</dt>
                <dd>{formatCell(item.summary[c.key], c.format)}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      <h3 className="section-title">Labels</h3>
      <div className="badges">{labels.length ? labels.map(([k, v]) => <Badge key={k}>{`${k}=${v}`}</Badge>) : <span className="muted">none</span>}</div>
      {annotations.length ? <p className="muted small">{annotations.length} annotation{annotations.length === 1 ? "" : "s"} — see the YAML tab.</p> : null}
      {conditions.length ? (
        <>
          <h3 className="section-title">Conditions</h3>
          <ConditionsTable
            rows={conditions.map((c) => ({ type: String(c.type), status: String(c.status), reason: c.reason == null ? null : String(c.reason), message: c.message == null ? null : String(c.message), since: typeof c.lastTransitionTime === "string" ? c.lastTransitionTime : null }))}
            toneOf={(s) => (s === "True" ? "success" : s === "False" ? "warning" : "neutral")}
            sinceCell={(iso) => <td data-label="Since">{formatAge(iso)}</td>}
          />
        </>
      ) : null}
    </div>
  );
}

function Events({ events }: { events: InventoryItemView[] }) {
  if (events.length === 0) return <EmptyState title="No events" body="Kubernetes keeps events for about an hour." />;
  const sorted = [...events].sort((a, b) => String(b.summary.lastSeen ?? b.createdAt).localeCompare(String(a.summary.lastSeen ?? a.createdAt)));
  return (
    <div className="table-wrap">
      <table className="table responsive" aria-label="Events">
        <thead>
          <tr>
            <th>Type</th>
            <th>Reason</th>
            <th>Message</th>
            <th>Count</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((e) => (
            <tr key={e.key}>
              <td data-label="Type">
                <Badge tone={e.summary.type === "Warning" ? "warning" : "neutral"}>{String(e.summary.type ?? e.status)}</Badge>
              </td>
              <td data-label="Reason">{String(e.summary.reason ?? "—")}</td>
              <td data-label="Message" className="cell-wrap">
                {String(e.summary.message ?? "")}
              </td>
              <td data-label="Count">{String(e.summary.count ?? 1)}</td>
              <td data-label="Last seen">{formatAge(e.summary.lastSeen ?? e.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Related({ items, orgId }: { items: InventoryItemView[]; orgId: string }) {
  if (items.length === 0) return <EmptyState title="Nothing related found" body="Owners, owned objects, services selecting it and mounted config show up here." />;
  return (
    <ul className="related-list">
      {items.map((i) => (
        <li key={i.key} className="env-row">
          <div className="stack">
            <Link to="/orgs/$orgId/clusters/$clusterId/resource" params={{ orgId, clusterId: i.clusterId }} search={{ kind: i.kind, name: i.name, namespace: i.namespace ?? undefined }} className="strong-link">
              {i.kind} {i.namespace ? `${i.namespace}/` : ""}
              {i.name}
            </Link>
          </div>
          <Badge tone={healthTone[i.health]}>{i.status || i.health}</Badge>
        </li>
      ))}
    </ul>
  );
}
