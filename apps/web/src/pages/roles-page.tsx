import { useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { globalActions } from "../actions/catalog";
import { flattenPages, useApiInfinite } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { bindingDescriptor, roleDescriptor } from "../resources/descriptors";
import { PageHeader, ResourceTable } from "../resources/resource-list";
import { Alert } from "../ui/feedback";

export function RolesPage() {
  const orgId = useOrgId();
  const ctx = useActionContext();
  const [tab, setTab] = useState<"roles" | "bindings">("roles");
  const roles = useApiInfinite("listRoles", { params: { orgId }, query: { limit: 100, sort: "name" } });
  const canReadBindings = ctx.can("rolebinding:read");
  const bindings = useApiInfinite("listRoleBindings", { params: { orgId }, query: { limit: 100 } }, { enabled: tab === "bindings" && canReadBindings });
  return (
    <section>
      <PageHeader
        title="Roles"
        description="A role is a set of permissions; a binding gives it to a member or team at a scope."
        actions={tab === "roles" ? <ActionButton action={globalActions.createRole} variant="primary" /> : <ActionButton action={globalActions.createBinding} variant="primary" />}
      />
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === "roles"} className="tab" onClick={() => setTab("roles")}>
          Roles
        </button>
        <button type="button" role="tab" aria-selected={tab === "bindings"} className="tab" onClick={() => setTab("bindings")}>
          Bindings
        </button>
      </div>
      {tab === "roles" ? (
        <ResourceTable descriptor={roleDescriptor} rows={flattenPages(roles.data)} state={roles} />
      ) : canReadBindings ? (
        <ResourceTable descriptor={bindingDescriptor} rows={flattenPages(bindings.data)} state={bindings} />
      ) : (
        <Alert kind="info">Your role does not grant rolebinding:read.</Alert>
      )}
    </section>
  );
}
