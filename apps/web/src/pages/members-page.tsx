import { useState } from "react";
import { ActionButton } from "../actions/action-button";
import { globalActions } from "../actions/catalog";
import { flattenPages, useApiInfinite } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { memberDescriptor as d } from "../resources/descriptors";
import { PageHeader, ResourceTable, SearchBox } from "../resources/resource-list";
import { useDebounced } from "../ui/use-debounced";

export function MembersPage() {
  const orgId = useOrgId();
  const [q, setQ] = useState("");
  const dq = useDebounced(q.trim());
  const list = useApiInfinite("listMembers", { params: { orgId }, query: { limit: 50, sort: "username", q: dq || undefined } });
  return (
    <section>
      <PageHeader title={d.title} description={d.description} actions={<ActionButton action={globalActions.createInvitation} variant="primary" />} />
      <div className="toolbar">
        <SearchBox value={q} onChange={setQ} placeholder="Search members" />
      </div>
      <ResourceTable descriptor={d} rows={flattenPages(list.data)} state={list} filtered={!!dq} />
    </section>
  );
}
