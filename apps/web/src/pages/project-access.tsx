import type { Project, RoleBinding } from "@meridian/core";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { bindingActions } from "../actions/catalog";
import type { Action } from "../actions/registry";
import { useApiQuery } from "../api/hooks";
import { bindingDescriptor } from "../resources/descriptors";
import { ResourceTable } from "../resources/resource-list";
import { Alert } from "../ui/feedback";

const grantOnProject: Action<Project> = {
  id: "rolebinding.create.project",
  label: "Grant access",
  section: "Roles",
  requires: "rolebinding:create",
  perform: (ctx, p) => ctx.open({ kind: "create-binding", scope: { kind: "project", projectId: p.id } }),
};

/** Who holds a role on this project or one of its environments (organization-wide roles apply too). */
export function ProjectAccess({ project }: { project: Project }) {
  const ctx = useActionContext();
  const allowed = ctx.can("rolebinding:read");
  const bindings = useApiQuery("listRoleBindings", { params: { orgId: ctx.orgId ?? "" }, query: { limit: 500 } }, { enabled: allowed });
  const rows = (bindings.data?.items ?? []).filter((b: RoleBinding) => b.scope.kind !== "organization" && b.scope.projectId === project.id);
  return (
    <>
      <div className="section-head">
        <h2>Access</h2>
        <ActionButton action={grantOnProject} target={project} />
      </div>
      {allowed ? (
        <ResourceTable
          descriptor={{
            ...bindingDescriptor,
            createAction: undefined,
            rowActions: [bindingActions.remove],
            empty: { title: "No project-specific roles", body: "Organization-wide roles still apply. Grant a role here to give a member or team access to just this project or one environment." },
          }}
          rows={rows}
          state={{ isLoading: bindings.isLoading, error: bindings.error, refetch: () => void bindings.refetch() }}
        />
      ) : (
        <Alert kind="info">Your role does not grant rolebinding:read, so project access is not shown.</Alert>
      )}
    </>
  );
}
