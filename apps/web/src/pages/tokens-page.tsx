import { ActionButton } from "../actions/action-button";
import { globalActions } from "../actions/catalog";
import { flattenPages, useApiInfinite, useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { tokenDescriptor } from "../resources/descriptors";
import { PageHeader, ResourceTable } from "../resources/resource-list";

export function TokensPage() {
  const orgId = useOrgId();
  const list = useApiInfinite("listTokens", { params: { orgId }, query: { limit: 50, sort: "-createdAt" } });
  const projects = useApiQuery("listProjects", { params: { orgId }, query: { limit: 500 } });
  const d = tokenDescriptor((id) => projects.data?.items.find((p) => p.id === id)?.name);
  return (
    <section>
      <PageHeader title={d.title} description={d.description} actions={<ActionButton action={globalActions.createToken} variant="primary" />} />
      <ResourceTable descriptor={d} rows={flattenPages(list.data)} state={list} />
    </section>
  );
}
