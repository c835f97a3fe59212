import type { RouteResponse, Routes } from "@meridian/core";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useMemo, useState } from "react";
import { ActionButton } from "../actions/action-button";
import { createAppAction } from "../actions/app-catalog";
import { flattenPages, useApiInfinite, useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import type { ResourceDescriptor } from "../resources/descriptor";
import { PageHeader, ResourceTable, SearchBox } from "../resources/resource-list";
import { relativeTime } from "../ui/feedback";
import { useDebounced } from "../ui/use-debounced";
import { shortImage } from "../apps/status";
import { EnvChip } from "./app-parts";

type AppSummary = RouteResponse<Routes["listApps"]>["items"][number];

function appDescriptor(orgId: string): ResourceDescriptor<AppSummary> {
  return {
    id: "apps",
    title: "Apps",
    rowKey: (a) => a.id,
    columns: [
      {
        id: "name",
        header: "App",
        cell: (a) => (
          <span className="stack">
            <Link to="/orgs/$orgId/apps/$projectId/$app" params={{ orgId, projectId: a.projectId, app: a.name }} className="strong-link" data-app={a.name}>
              {a.name}
            </Link>
            <span className="muted small">{a.projectSlug}</span>
          </span>
        ),
      },
      {
        id: "source",
        header: "Source",
        cell: (a) => (
          <code className="cell-text clamp mono small" title={a.source}>
            {a.source.includes("://") ? a.source : shortImage(a.source)}
          </code>
        ),
      },
      {
        id: "envs",
        header: "Environments",
        cell: (a) =>
          a.environments.length ? (
            <span className="env-chips">
              {a.environments.map((e) => (
                <EnvChip key={e.environmentId} env={e} />
              ))}
            </span>
          ) : (
            <span className="muted small">no environments</span>
          ),
      },
      { id: "updated", header: "Updated", cell: (a) => <span className="nowrap muted small">{relativeTime(a.updatedAt)}</span>, secondary: true },
    ],
    createAction: createAppAction,
    empty: {
      title: "No apps yet",
      body: "An app is an image or a git repository with its ports, env, secrets and routes. Create one from an image, a template or a repository, then deploy it to an environment bound to a cluster.",
    },
  };
}

/** Every app the caller may read, with one status chip per environment; refreshed every 5 s while open. */
export function AppsPage() {
  const orgId = useOrgId();
  const search = useSearch({ from: "/shell/orgs/$orgId/apps" });
  const navigate = useNavigate({ from: "/orgs/$orgId/apps" });
  const [q, setQ] = useState(search.q ?? "");
  const needle = useDebounced(q.trim(), 250);
  useEffect(() => {
    if ((search.q ?? "") !== needle) void navigate({ search: (s) => ({ ...s, q: needle || undefined }), replace: true });
  }, [needle, search.q, navigate]);
  const projects = useApiQuery("listProjects", { params: { orgId }, query: { limit: 500, sort: "name" } });
  const list = useApiInfinite("listApps", { params: { orgId }, query: { limit: 100, ...(search.project ? { projectId: search.project } : {}), ...(needle ? { q: needle } : {}) } }, { refetchInterval: 5000 });
  const rows = flattenPages(list.data);
  const descriptor = useMemo(() => appDescriptor(orgId), [orgId]);
  const filtered = !!(needle || search.project);
  return (
    <section>
      <PageHeader title="Apps" description="What runs on your clusters, per project and environment." actions={<ActionButton action={createAppAction} variant="primary" />} />
      {rows.length > 0 || filtered ? (
        <div className="toolbar">
          <SearchBox value={q} onChange={setQ} placeholder="Filter apps by name" />
          <label className="inline-field">
            <span>Project</span>
            <select className="input" value={search.project ?? ""} onChange={(e) => void navigate({ search: (s) => ({ ...s, project: e.currentTarget.value || undefined }), replace: true })}>
              <option value="">All projects</option>
              {(projects.data?.items ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <span className="toolbar-note muted small" data-testid="app-count">
            {rows.length}
            {list.hasNextPage ? "+" : ""} app{rows.length === 1 ? "" : "s"}
          </span>
        </div>
      ) : null}
      <ResourceTable
        descriptor={descriptor}
        rows={rows}
        filtered={filtered}
        state={{ isLoading: list.isLoading, error: list.error, refetch: () => void list.refetch(), hasNextPage: list.hasNextPage, isFetchingNextPage: list.isFetchingNextPage, fetchNextPage: () => void list.fetchNextPage() }}
      />
    </section>
  );
}
