import { iteratePages } from "@meridian/client";
import type { Cluster, InventoryItemView } from "@meridian/core";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { useMemo } from "react";
import { ActionButton } from "../actions/action-button";
import { clusterActions, policyActions, targetActions } from "../actions/cluster-catalog";
import { api } from "../api/client";
import { useApiQuery } from "../api/hooks";
import { buildNodeTiles, needsPodSums } from "../clusters/health";
import { isCatalogKind, nodeKind, podKind } from "../clusters/kinds";
import { applyInventoryEvents, type InventoryEvent, useInventoryStream, useLiveMerge } from "../clusters/live";
import { PageHeader } from "../resources/resource-list";
import { Badge, EmptyState, ErrorState, formatTime, relativeTime, Spinner } from "../ui/feedback";
import { CapacityMeters, StateBadge, SyncProgress } from "./cluster-parts";
import { ConditionsTable } from "./conditions-table";
import { NodeMap } from "./node-map";

/** Every object of one kind in one cluster, all pages (node maps need them all; 1,000 per page). */
function allItemsKey(orgId: string, kind: string, clusterId: string) {
  return ["queryInventory", { params: { orgId }, query: { kind, cluster: clusterId } }, "all"] as const;
}

function useAllItems(orgId: string, kind: string, clusterId: string, opts: { enabled: boolean; refetchInterval?: number }) {
  return useQuery({
    queryKey: allItemsKey(orgId, kind, clusterId),
    enabled: opts.enabled,
    refetchInterval: opts.refetchInterval,
    queryFn: async () => {
      const items: InventoryItemView[] = [];
      for await (const i of iteratePages(api, "queryInventory", { params: { orgId }, query: { kind, cluster: clusterId, limit: 1000 } })) items.push(i);
      return items;
    },
  });
}

function applyToList(items: InventoryItemView[], events: InventoryEvent[]): InventoryItemView[] {
  const one = { pages: [{ items, nextCursor: null, total: items.length, incomplete: [] }], pageParams: [undefined] };
  return applyInventoryEvents(one, events).pages[0]?.items ?? items;
}

export function ClusterDetailPage() {
  const { orgId, clusterId } = useParams({ from: "/shell/orgs/$orgId/clusters/$clusterId" });
  const cluster = useApiQuery("getCluster", { params: { orgId, clusterId } }, { refetchInterval: 30_000 });
  if (cluster.isLoading) return <Spinner label="Loading cluster…" />;
  if (cluster.error || !cluster.data) return <ErrorState error={cluster.error} onRetry={() => void cluster.refetch()} />;
  return <ClusterDetail orgId={orgId} cluster={cluster.data} />;
}

function ClusterDetail({ orgId, cluster: c }: { orgId: string; cluster: Cluster }) {
  const kind = nodeKind[c.runtime];
  const nodes = useAllItems(orgId, kind, c.id, { enabled: true });
  const wantPods = !!nodes.data && needsPodSums(nodes.data);
  const pods = useAllItems(orgId, podKind[c.runtime], c.id, { enabled: wantPods, refetchInterval: 30_000 });
  // Node changes arrive on the stream and are merged into the cached list; `cluster` events refresh the header.
  const merge = useLiveMerge<InventoryItemView[]>(allItemsKey(orgId, kind, c.id), nodes.isFetching, applyToList);
  const live = useInventoryStream(orgId, { kind, cluster: c.id }, { onEvents: merge, onResync: () => void nodes.refetch() });
  const tiles = useMemo(() => buildNodeTiles(nodes.data ?? [], pods.data ?? []), [nodes.data, pods.data]);
  return (
    <section className="cluster-detail wide-page" data-cluster={c.slug} data-state={c.state}>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/orgs/$orgId/clusters" params={{ orgId }}>
          Clusters
        </Link>
        <span aria-hidden>/</span>
        <span>{c.name}</span>
      </nav>
      <PageHeader
        title={c.name}
        description={
          <span className="title-line">
            <StateBadge state={c.state} /> {c.description || (c.runtime === "swarm" ? "Docker Swarm" : "Kubernetes")}
            <span className={`live-note live-${live}`}>
              <span className="dot" aria-hidden /> {live === "live" ? "Live" : "Connecting…"}
            </span>
          </span>
        }
        actions={
          <>
            <ActionButton action={clusterActions.browse} target={c} />
            <ActionButton action={clusterActions.apply} target={c} />
            {c.runtime === "kubernetes" ? <ActionButton action={policyActions.create} target={{ cluster: c }} /> : null}
            <ActionButton action={clusterActions.edit} target={c} />
            <ActionButton action={clusterActions.disconnect} target={c} />
          </>
        }
      />
      <Facts cluster={c} />
      <div className="section-head">
        <h2>Conditions</h2>
      </div>
      <Conditions cluster={c} />
      <div className="section-head">
        <h2>Capacity</h2>
        <span className="muted small">
          {c.summary.readyNodes}/{c.summary.nodes} nodes ready · {c.summary.pods} {c.runtime === "swarm" ? "tasks" : "pods"}
          {c.summary.problemPods ? `, ${c.summary.problemPods} failing` : ""}
        </span>
      </div>
      <div className="card card-tight">
        <CapacityMeters summary={c.summary} />
        <SyncProgress cluster={c} />
      </div>
      <div className="section-head">
        <h2>Nodes</h2>
        <Link to="/orgs/$orgId/resources" params={{ orgId }} search={{ kind, cluster: c.slug }} className="small">
          Open as table
        </Link>
      </div>
      {nodes.error ? <ErrorState error={nodes.error} onRetry={() => void nodes.refetch()} /> : null}
      {nodes.isLoading ? <Spinner label="Loading nodes…" /> : <NodeMap clusterId={c.id} tiles={tiles} loading={nodes.isLoading} />}
      <div className="section-head">
        <h2>Environments</h2>
        <ActionButton action={clusterActions.addTarget} target={c} variant="primary" />
      </div>
      <Targets cluster={c} />
      <div className="section-head">
        <h2>Inventory</h2>
      </div>
      <Inventory cluster={c} orgId={orgId} />
    </section>
  );
}

function Facts({ cluster: c }: { cluster: Cluster }) {
  const labels = Object.entries(c.labels);
  return (
    <dl className="facts">
      <div>
        <dt>Version</dt>
        <dd>{c.version ?? "unknown"}</dd>
      </div>
      <div>
        <dt>Endpoint</dt>
        <dd>
          <code>{c.endpoint}</code>
        </dd>
      </div>
      {c.context ? (
        <div>
          <dt>Context</dt>
          <dd>{c.context}</dd>
        </div>
      ) : null}
      <div>
        <dt>Auth method</dt>
        <dd>{c.authMethod}</dd>
      </div>
      <div>
        <dt>Slug</dt>
        <dd>
          <code>{c.slug}</code>
        </dd>
      </div>
      <div>
        <dt>Labels</dt>
        <dd className="badges">{labels.length ? labels.map(([k, v]) => <Badge key={k}>{`${k}=${v}`}</Badge>) : <span className="muted">none</span>}</dd>
      </div>
      <div>
        <dt>Connected</dt>
        <dd>{formatTime(c.createdAt)}</dd>
      </div>
    </dl>
  );
}

const statusTone = { True: "success", False: "danger", Unknown: "warning" } as const;

function Conditions({ cluster: c }: { cluster: Cluster }) {
  if (c.conditions.length === 0) return <p className="muted">No conditions reported yet — the first probe is running.</p>;
  const rows = c.conditions.map((x) => ({ type: x.type, status: x.status, reason: x.reason, message: x.message, since: x.lastTransitionTime }));
  return (
    <ConditionsTable
      rows={rows}
      label="Conditions"
      strongType
      toneOf={(s) => statusTone[s as keyof typeof statusTone] ?? "neutral"}
      sinceCell={(iso) => (
        <td data-label="Since" title={iso ? formatTime(iso) : undefined} className="nowrap">
          {iso ? relativeTime(iso) : "—"}
        </td>
      )}
    />
  );
}

function Targets({ cluster: c }: { cluster: Cluster }) {
  if (c.targets.length === 0) {
    return (
      <EmptyState
        title="No environments bound"
        body={`Bind a project environment to a ${c.runtime === "swarm" ? "stack" : "namespace"} so its apps deploy here.`}
        action={<ActionButton action={clusterActions.addTarget} target={c} variant="primary" />}
      />
    );
  }
  return (
    <ul className="env-list">
      {c.targets.map((t) => (
        <li key={t.id} className="env-row" data-target={t.namespace}>
          <div className="stack">
            <strong>
              {t.projectName} / {t.environmentName}
            </strong>
            <span className="muted small">
              {c.runtime === "swarm" ? "stack" : "namespace"} <code>{t.namespace}</code> · since {formatTime(t.createdAt)}
            </span>
          </div>
          <ActionButton action={targetActions.remove} target={t} size="sm" variant="ghost" />
        </li>
      ))}
    </ul>
  );
}

const phaseTone = { listing: "accent", watching: "success", error: "danger" } as const;

function Inventory({ cluster: c, orgId }: { cluster: Cluster; orgId: string }) {
  if (c.inventory.length === 0) return <p className="muted">The inventory starts once the cluster is reachable.</p>;
  const kinds = [...c.inventory].sort((a, b) => (a.phase === "error" ? -1 : 0) - (b.phase === "error" ? -1 : 0) || b.count - a.count || a.kind.localeCompare(b.kind));
  return (
    <ul className="kind-grid" aria-label="Inventory kinds">
      {kinds.map((k) => (
        <li key={`${k.group}/${k.kind}`} className="kind-cell" title={k.message}>
          <Link to="/orgs/$orgId/resources" params={{ orgId }} search={{ kind: k.kind, group: isCatalogKind(k.kind) ? undefined : k.group, cluster: c.slug }} className="strong-link">
            {k.kind}
          </Link>
          <span className="kind-count">{k.count}</span>
          <Badge tone={phaseTone[k.phase]}>{k.phase}</Badge>
          {k.message ? <span className="muted small clamp">{k.message}</span> : null}
        </li>
      ))}
    </ul>
  );
}
