import type { CallInput } from "@meridian/client";
import type { InventoryItemView, Routes } from "@meridian/core";
import type { InfiniteData } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { globalActions } from "../actions/catalog";
import { policyActions } from "../actions/cluster-catalog";
import { apiKey, useApiInfinite, useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { isCatalogKind, kindInfo } from "../clusters/kinds";
import { applyInventoryEvents, type InventoryEvent, type InventoryPage, rowId, type StreamStatus, useInventoryStream, useLiveMerge } from "../clusters/live";
import { type ResourcesSearch, resourceLink } from "../clusters/search";
import { PageHeader } from "../resources/resource-list";
import { Alert, EmptyState, ErrorState, Spinner } from "../ui/feedback";
import { connectCommand } from "./cluster-parts";
import { InventoryTable, type SortState } from "./inventory-table";
import { type CustomKind, ResourceFilters } from "./resource-filters";

type Query = CallInput<Routes["queryInventory"]>["query"];

export function ResourcesPage() {
  const orgId = useOrgId();
  const ctx = useActionContext();
  const search = useSearch({ from: "/shell/orgs/$orgId/resources" });
  const navigate = useNavigate({ from: "/orgs/$orgId/resources" });
  const kind = search.kind ?? "Pod";
  const info = kindInfo(kind);
  const setSearch = useCallback((patch: Partial<ResourcesSearch>) => void navigate({ search: (s) => ({ ...s, ...patch }), replace: true }), [navigate]);

  const clusters = useApiQuery("listClusters", { params: { orgId }, query: { limit: 500, sort: "name" } }, { enabled: ctx.can("cluster:read") });
  const crds = useApiQuery("queryInventory", { params: { orgId }, query: { kind: "CustomResourceDefinition", limit: 1000 } });
  const customKinds = useMemo(() => customKindsOf(crds.data?.items ?? []), [crds.data]);
  const nsList = useApiQuery("queryInventory", { params: { orgId }, query: { kind: "Namespace", cluster: search.cluster, limit: 1000 } }, { enabled: info.runtime === "kubernetes" });
  const namespaces = useMemo(() => [...new Set((nsList.data?.items ?? []).map((n) => n.name))].sort(), [nsList.data]);

  const filters = { kind, group: search.group, cluster: search.cluster, namespace: search.namespace, selector: search.selector, status: search.status, q: search.q };
  const [sort, setSort] = useState<SortState>(() => parseSort(search.sort));
  useEffect(() => setSort(parseSort(search.sort)), [search.sort]);
  const query: Query = { ...filters, sort: search.sort, limit: 200 } as Query;
  const list = useApiInfinite("queryInventory", { params: { orgId }, query });
  const listKey = useMemo(() => [...apiKey("queryInventory", { params: { orgId }, query }), "pages"], [orgId, JSON.stringify(query)]);

  // Rows that just changed flash for a moment; ids expire after the animation.
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  const expiry = useRef(new Map<string, number>());
  useEffect(() => {
    if (changed.size === 0) return;
    const t = setTimeout(() => {
      const now = Date.now();
      for (const [id, until] of expiry.current) if (until <= now) expiry.current.delete(id);
      setChanged(new Set(expiry.current.keys()));
    }, 1600);
    return () => clearTimeout(t);
  }, [changed]);
  const merge = useLiveMerge<InfiniteData<InventoryPage>>(listKey, list.isFetching, applyInventoryEvents);
  const onEvents = useCallback(
    (events: InventoryEvent[]) => {
      merge(events);
      const until = Date.now() + 1500;
      for (const e of events) if (e.type === "upsert") expiry.current.set(rowId(e.item), until);
      setChanged(new Set(expiry.current.keys()));
    },
    [merge],
  );
  const live = useInventoryStream(orgId, filters, { onEvents, onResync: () => void list.refetch() });

  // "/" jumps to the search box, as in most list UIs.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || el?.closest("input, textarea, select, [contenteditable=true], [aria-modal=true]")) return;
      e.preventDefault();
      document.getElementById("rf-q")?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const rows = useMemo(() => (list.data ? list.data.pages.flatMap((p) => p.items) : []), [list.data]);
  const first = list.data?.pages[0];
  const custom = customKinds.find((k) => k.kind === kind && k.group === search.group);
  const onOpen = useCallback(
    (i: InventoryItemView) => ctx.navigate(resourceLink(orgId, i, undefined, custom?.apiVersion)),
    [ctx, orgId, custom],
  );
  const changeSort = (s: SortState) => {
    setSort(s);
    if (!s || s.server) setSearch({ sort: s ? `${s.desc ? "-" : ""}${s.key}` : undefined });
  };
  const noClusters = clusters.data && clusters.data.items.length === 0;
  const filtered = !!(search.cluster || search.namespace || search.selector || search.status || search.q);
  // A column that would repeat one value on every row is left out.
  const singleCluster = (!!search.cluster && !search.cluster.includes(",")) || (clusters.data?.items.length ?? 0) === 1;
  const singleNamespace = !!search.namespace && !search.namespace.includes(",");
  // Policy objects belong to Kubernetes: offered while browsing its kinds, for the cluster and namespace in view.
  const kube = (clusters.data?.items ?? []).filter((c) => c.runtime === "kubernetes");
  const oneCluster = search.cluster && !search.cluster.includes(",") ? (clusters.data?.items ?? []).find((c) => c.slug === search.cluster || c.id === search.cluster) : undefined;
  const offerPolicy = info.runtime === "kubernetes" && kube.length > 0 && (!oneCluster || oneCluster.runtime === "kubernetes");

  return (
    <section className="resources-page wide-page">
      <PageHeader
        title="Resources"
        description={
          <>
            Live inventory of every connected cluster. <LiveBadge status={live} />
          </>
        }
        actions={
          <>
            {offerPolicy ? <ActionButton action={policyActions.create} target={{ cluster: oneCluster, namespace: singleNamespace ? search.namespace : undefined }} /> : null}
            <ActionButton action={globalActions.applyYaml} variant="primary" />
          </>
        }
      />
      <ResourceFilters search={{ ...search, kind }} onChange={setSearch} clusters={clusters.data?.items ?? []} customKinds={customKinds} namespaces={namespaces} />
      {first?.incomplete.length ? (
        <Alert kind="warning">
          <span data-testid="incomplete">
            Still syncing or failing, so rows may be missing:{" "}
            {first.incomplete.map((c) => `${c.clusterSlug} (${c.phase}${c.message ? `: ${c.message}` : ""})`).join(", ")}
          </span>
        </Alert>
      ) : null}
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isLoading ? <Spinner label={`Loading ${info.plural}…`} /> : null}
      {noClusters ? (
        <EmptyState
          title="No clusters yet — connect one"
          body={
            <>
              The browser lists objects from connected clusters. From a terminal:
              <code className="command-line">{connectCommand}</code>
            </>
          }
          action={<ActionButton action={globalActions.connectCluster} variant="primary" />}
        />
      ) : null}
      {list.data && !noClusters && rows.length === 0 ? (
        <EmptyState
          title={filtered ? `No ${info.plural} match these filters` : `No ${info.plural} in the inventory`}
          body={filtered ? "Clear a filter or widen the label selector." : isCatalogKind(kind) ? "Objects appear here as soon as a cluster reports them." : "No objects of this custom kind yet."}
        />
      ) : null}
      {list.data && rows.length > 0 ? (
        <InventoryTable
          kind={info}
          rows={rows}
          total={first?.total ?? rows.length}
          showCluster={!singleCluster}
          showNamespace={!singleNamespace}
          sort={sort}
          onSort={changeSort}
          changed={changed}
          hasNextPage={list.hasNextPage}
          fetchingNext={list.isFetchingNextPage}
          fetchNext={() => void list.fetchNextPage()}
          onOpen={onOpen}
        />
      ) : null}
    </section>
  );
}

function parseSort(s: string | undefined): SortState {
  if (!s) return null;
  return { key: s.replace(/^-/, ""), desc: s.startsWith("-"), server: true };
}

function LiveBadge({ status }: { status: StreamStatus }) {
  const text = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", closed: "Not live" }[status];
  return (
    <span className={`live-note live-${status}`} data-testid="live-status">
      <span className="dot" aria-hidden /> {text}
    </span>
  );
}

/** Kinds served by CRDs, from the CRD objects' summaries (group, kind, versions). */
function customKindsOf(crds: InventoryItemView[]): CustomKind[] {
  const out = new Map<string, CustomKind>();
  for (const c of crds) {
    const kind = c.summary.kindName;
    const group = c.summary.group;
    if (typeof kind !== "string" || typeof group !== "string" || !kind) continue;
    const version = String(c.summary.versions ?? "").split(/[,\s]+/).filter(Boolean)[0] ?? "v1";
    out.set(`${group}/${kind}`, { kind, group, apiVersion: `${group}/${version}` });
  }
  return [...out.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}
