import { useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { globalActions } from "../actions/catalog";
import { flattenPages, useApiInfinite, useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { projectDescriptor } from "../resources/descriptors";
import { PageHeader, ResourceTable, SearchBox } from "../resources/resource-list";
import { useDebounced } from "../ui/use-debounced";

export function ProjectsPage() {
  const orgId = useOrgId();
  const ctx = useActionContext();
  const [q, setQ] = useState("");
  const dq = useDebounced(q.trim());
  const list = useApiInfinite("listProjects", { params: { orgId }, query: { limit: 50, sort: "name", q: dq || undefined } });
  const teams = useApiQuery("listTeams", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("team:read") });
  const teamName = (id: string | null) => (id ? (teams.data?.items.find((t) => t.id === id)?.name ?? "…") : "—");
  const d = projectDescriptor(orgId, teamName);
  return (
    <section>
      <PageHeader title={d.title} description={d.description} actions={<ActionButton action={globalActions.createProject} variant="primary" />} />
      <div className="toolbar">
        <SearchBox value={q} onChange={setQ} placeholder="Search projects" />
      </div>
      <ResourceTable descriptor={d} rows={flattenPages(list.data)} state={list} filtered={!!dq} />
    </section>
  );
}
