import type { Cluster } from "@meridian/core";
import { Link } from "@tanstack/react-router";
import { useMemo, useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { globalActions } from "../actions/catalog";
import { clusterActions } from "../actions/cluster-catalog";
import { useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { sortClusters } from "../clusters/health";
import { useInventoryStream } from "../clusters/live";
import { PageHeader, SearchBox } from "../resources/resource-list";
import { Alert, Badge, EmptyState, ErrorState, Spinner } from "../ui/feedback";
import { CapacityMeters, ConditionChips, connectCommand, StateBadge, SyncProgress } from "./cluster-parts";

export function ClustersPage() {
  const orgId = useOrgId();
  const ctx = useActionContext();
  const allowed = ctx.can("cluster:read");
  // `cluster` events from the stream patch this list in place; the slow poll only covers a dropped stream.
  const list = useApiQuery("listClusters", { params: { orgId }, query: { limit: 500, sort: "name" } }, { enabled: allowed, refetchInterval: 30_000 });
  const live = useInventoryStream(orgId, allowed ? { kind: "Node" } : null);
  const [q, setQ] = useState("");
  const clusters = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const all = list.data?.items ?? [];
    return sortClusters(needle ? all.filter((c) => `${c.name} ${c.slug} ${c.endpoint} ${Object.entries(c.labels).flat().join(" ")}`.toLowerCase().includes(needle)) : all);
  }, [list.data, q]);
  const all = list.data?.items ?? [];
  const problems = all.filter((c) => c.state === "down" || c.state === "degraded").length;
  return (
    <section>
      <PageHeader
        title="Clusters"
        description={
          <>
            Kubernetes and Swarm clusters this organization deploys to. {all.length > 0 ? <LiveNote status={live} /> : null}
          </>
        }
        actions={
          <>
            <ActionButton action={globalActions.applyYaml} />
            <ActionButton action={globalActions.connectCluster} variant="primary" />
          </>
        }
      />
      {!allowed ? <Alert kind="info">Your role does not grant cluster:read.</Alert> : null}
      {list.isLoading ? <Spinner label="Loading clusters…" /> : null}
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && all.length === 0 ? <NoClusters /> : null}
      {all.length > 0 ? (
        <>
          <div className="toolbar">
            <SearchBox value={q} onChange={setQ} placeholder="Filter clusters" />
            <span className="toolbar-note muted small" data-testid="cluster-counts">
              {all.length} cluster{all.length === 1 ? "" : "s"}
              {problems ? ` · ${problems} with problems` : " · all healthy"}
            </span>
          </div>
          {clusters.length === 0 ? <EmptyState title="No cluster matches" body="Try another name or label." /> : null}
          <ul className="cluster-grid">
            {clusters.map((c) => (
              <ClusterCard key={c.id} cluster={c} orgId={orgId} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function LiveNote({ status }: { status: ReturnType<typeof useInventoryStream> }) {
  const text = status === "live" ? "Live" : status === "closed" ? "Not live — refreshes every 30 s" : "Connecting…";
  return (
    <span className={`live-note live-${status}`} data-testid="live-status">
      <span className="dot" aria-hidden /> {text}
    </span>
  );
}

function NoClusters() {
  return (
    <EmptyState
      title="No clusters yet — connect one"
      body={
        <>
          Paste a kubeconfig, give an API server URL and token, or point at a Docker Swarm manager. From a terminal:
          <code className="command-line">{connectCommand}</code>
        </>
      }
      action={<ActionButton action={globalActions.connectCluster} variant="primary" />}
    />
  );
}

function ClusterCard({ cluster: c, orgId }: { cluster: Cluster; orgId: string }) {
  const s = c.summary;
  return (
    <li className={`cluster-card cluster-${c.state}`} data-cluster={c.slug} data-state={c.state}>
      <header className="cluster-card-head">
        <div className="stack">
          <Link to="/orgs/$orgId/clusters/$clusterId" params={{ orgId, clusterId: c.slug }} className="strong-link cluster-name">
            {c.name}
          </Link>
          <span className="muted small clamp" title={c.endpoint}>
            {c.runtime === "swarm" ? "Swarm" : "Kubernetes"} {c.version ?? ""} · {c.endpoint}
          </span>
        </div>
        <StateBadge state={c.state} />
      </header>
      <ConditionChips conditions={c.conditions} />
      <dl className="cluster-stats">
        <div>
          <dt>Nodes</dt>
          <dd data-testid="nodes" title="ready / total" className={s.readyNodes < s.nodes ? "text-warning" : undefined}>
            {s.readyNodes}/{s.nodes}
          </dd>
        </div>
        <div>
          <dt>{c.runtime === "swarm" ? "Tasks" : "Pods"}</dt>
          <dd>
            {s.pods}
            {s.problemPods ? (
              <Badge tone="danger">
                {s.problemPods} failing
              </Badge>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{c.runtime === "swarm" ? "Stacks" : "Namespaces"}</dt>
          <dd>{s.namespaces}</dd>
        </div>
        <div>
          <dt>Warnings</dt>
          <dd className={s.warnings ? "text-warning" : undefined}>{s.warnings}</dd>
        </div>
      </dl>
      <CapacityMeters summary={s} compact />
      <SyncProgress cluster={c} />
      <div className="cluster-card-actions">
        <ActionButton action={clusterActions.open} target={c} size="sm" />
        <ActionButton action={clusterActions.browse} target={c} size="sm" variant="ghost" />
      </div>
    </li>
  );
}
