import { ActionButton } from "../actions/action-button";
import { globalActions } from "../actions/catalog";
import { flattenPages, useApiInfinite } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { invitationDescriptor as d } from "../resources/descriptors";
import { PageHeader, ResourceTable } from "../resources/resource-list";

export function InvitationsPage() {
  const orgId = useOrgId();
  const list = useApiInfinite("listInvitations", { params: { orgId }, query: { limit: 50, sort: "-createdAt" } });
  return (
    <section>
      <PageHeader title={d.title} description={d.description} actions={<ActionButton action={globalActions.createInvitation} variant="primary" />} />
      <ResourceTable descriptor={d} rows={flattenPages(list.data)} state={list} />
    </section>
  );
}
