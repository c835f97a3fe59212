import type { Member } from "@meridian/core";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { bindingActions, globalActions } from "../actions/catalog";
import type { Action } from "../actions/registry";
import { useApiQuery } from "../api/hooks";
import { bindingDescriptor } from "../resources/descriptors";
import { ResourceTable } from "../resources/resource-list";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";

const grantToMember: Action<Member> = {
  ...globalActions.createBinding,
  id: "rolebinding.create.member",
  label: "Grant a role",
  perform: (ctx, m) => ctx.open({ kind: "create-binding", subject: { kind: "user", id: m.userId } }),
};

/** Every role a member holds directly, at any scope (team roles are listed on the team's bindings). */
export function MemberAccessDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const ctx = useActionContext();
  const bindings = useApiQuery("listRoleBindings", { params: { orgId: ctx.orgId ?? "" }, query: { subjectKind: "user", subjectId: member.userId, limit: 500 } });
  return (
    <Dialog
      title={`Access of ${member.displayName || member.username}`}
      onClose={onClose}
      wide
      footer={
        <>
          <ActionButton action={grantToMember} target={member} />
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        </>
      }
    >
      <p className="muted">
        Teams: {member.teams.length ? member.teams.map((t) => t.name).join(", ") : "none"}. Roles given to a team apply to its members too.
      </p>
      <ResourceTable
        descriptor={{ ...bindingDescriptor, createAction: undefined, rowActions: [bindingActions.remove], empty: { title: "No direct roles", body: "This member has access only through teams." } }}
        rows={bindings.data?.items ?? []}
        state={{ isLoading: bindings.isLoading, error: bindings.error, refetch: () => void bindings.refetch() }}
      />
    </Dialog>
  );
}
