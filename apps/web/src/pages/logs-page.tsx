import { Link, useParams, useSearch } from "@tanstack/react-router";
import { useApiQuery } from "../api/hooks";
import { containerNames } from "../clusters/kinds";
import { PageHeader } from "../resources/resource-list";
import { EmptyState } from "../ui/feedback";
import { LogView } from "./log-view";

export function LogsPage() {
  const { orgId, clusterId } = useParams({ from: "/shell/orgs/$orgId/clusters/$clusterId/logs" });
  const s = useSearch({ from: "/shell/orgs/$orgId/clusters/$clusterId/logs" });
  const cluster = useApiQuery("getCluster", { params: { orgId, clusterId } });
  // Containers come from the object's pod spec; Swarm services have none to pick.
  const object = useApiQuery("getResource", { params: { orgId, clusterId }, query: { kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) } }, { enabled: !!s.kind && !!s.name && !s.kind.startsWith("Swarm") });
  if (!s.kind || !s.name) return <EmptyState title="No object chosen" body="Open logs from a pod, workload or Swarm service in the resource browser." />;
  const containers = containerNames(object.data?.object);
  return (
    <section className="logs-page wide-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/orgs/$orgId/clusters" params={{ orgId }}>
          Clusters
        </Link>
        <span aria-hidden>/</span>
        <Link to="/orgs/$orgId/clusters/$clusterId" params={{ orgId, clusterId }}>
          {cluster.data?.name ?? clusterId}
        </Link>
        <span aria-hidden>/</span>
        <Link to="/orgs/$orgId/clusters/$clusterId/resource" params={{ orgId, clusterId }} search={{ kind: s.kind, name: s.name, namespace: s.namespace }}>
          {s.kind} {s.namespace ? `${s.namespace}/` : ""}
          {s.name}
        </Link>
      </nav>
      <PageHeader title={`Logs · ${s.name}`} description={`${s.kind}${s.namespace ? ` in ${s.namespace}` : ""} on ${cluster.data?.name ?? clusterId}`} />
      <LogView key={`${clusterId}/${s.kind}/${s.namespace}/${s.name}`} clusterId={clusterId} kind={s.kind} namespace={s.namespace} name={s.name} containers={containers} container={s.container} />
    </section>
  );
}
