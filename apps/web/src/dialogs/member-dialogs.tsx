import type { Member } from "@meridian/core";
import { useState } from "react";
import { useApiMutation, useApiQuery } from "../api/hooks";
import { useActionContext } from "../actions/action-context";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, CopyField, Spinner } from "../ui/feedback";
import { Checkbox, FormError, SelectField, TextField, useFormSubmit } from "../ui/form";
import { FormFooter } from "./project-dialogs";

/** Replaces a member's organization-scope roles (setMemberRoles) with a multi-select of roles. */
export function MemberRolesDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const roles = useApiQuery("listRoles", { params: { orgId }, query: { limit: 500 } });
  const [selected, setSelected] = useState<Set<string>>(new Set(member.roles.map((r) => r.roleId)));
  const set = useApiMutation("setMemberRoles");
  const form = useFormSubmit(
    () => set.mutateAsync({ params: { orgId, userId: member.userId }, body: { roleIds: [...selected] } }),
    () => {
      onClose();
      ctx.notify("success", `Updated roles of ${member.username}`);
    },
  );
  function toggle(id: string, on: boolean) {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }
  return (
    <Dialog title={`Roles of ${member.displayName || member.username}`} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Save roles" form="member-roles" />}>
      <form id="member-roles" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <fieldset className="choice-list" aria-label="Organization roles">
          <legend>Organization roles</legend>
          {roles.isLoading ? <Spinner /> : null}
          {roles.data?.items.map((r) => (
            <Checkbox
              key={r.id}
              checked={selected.has(r.id)}
              onChange={(on) => toggle(r.id, on)}
              label={
                <>
                  <strong>{r.name}</strong> <span className="muted small">{r.description}</span>
                </>
              }
            />
          ))}
        </fieldset>
        {selected.size === 0 ? <Alert kind="warning">Choose at least one role; to take all access away, remove the member instead.</Alert> : null}
        {form.fields.roleIds ? <div className="field-error">{form.fields.roleIds}</div> : null}
      </form>
    </Dialog>
  );
}

/** Creates an invitation, then shows its link once with a copy button. */
export function CreateInvitationDialog({ onClose }: { onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const roles = useApiQuery("listRoles", { params: { orgId }, query: { limit: 500 } });
  const teams = useApiQuery("listTeams", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("team:read") });
  const [email, setEmail] = useState("");
  const [roleId, setRoleId] = useState("");
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const [days, setDays] = useState("7");
  const create = useApiMutation("createInvitation");
  const defaultRole = roles.data?.items.find((r) => r.slug === "developer") ?? roles.data?.items[0];
  const form = useFormSubmit(() =>
    create.mutateAsync({ params: { orgId }, body: { email, roleId: roleId || defaultRole?.id || "", teamIds, expiresInDays: Number(days) } }),
  );
  const created = create.data;
  if (created) {
    const link = created.link.startsWith("http") ? created.link : `${window.location.origin}${created.link}`;
    return (
      <Dialog title="Invitation created" onClose={onClose} footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
        <p>
          Send this link to <strong>{created.email}</strong>. It grants the <strong>{created.roleName}</strong> role and expires{" "}
          {new Date(created.expiresAt).toLocaleDateString()}.
        </p>
        <CopyField value={link} label="Invitation link" />
        <p className="muted small">{created.emailed ? "It was also emailed." : "No email was sent (SMTP is not configured); share the link yourself."} The link is shown only now.</p>
      </Dialog>
    );
  }
  return (
    <Dialog title="Invite member" onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Create invitation" form="create-invitation" />}>
      <form id="create-invitation" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Email" type="email" name="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={form.fields.email} required />
        <SelectField label="Role" name="role" value={roleId || defaultRole?.id || ""} onChange={(e) => setRoleId(e.currentTarget.value)} error={form.fields.roleId}>
          {roles.data?.items.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </SelectField>
        {teams.data && teams.data.items.length > 0 ? (
          <fieldset className="choice-list">
            <legend>Teams</legend>
            {teams.data.items.map((t) => (
              <Checkbox
                key={t.id}
                label={t.name}
                checked={teamIds.includes(t.id)}
                onChange={(on) => setTeamIds((ids) => (on ? [...ids, t.id] : ids.filter((x) => x !== t.id)))}
              />
            ))}
          </fieldset>
        ) : null}
        <TextField label="Expires in (days)" type="number" min={1} max={30} value={days} onChange={(e) => setDays(e.currentTarget.value)} error={form.fields.expiresInDays} />
      </form>
    </Dialog>
  );
}
