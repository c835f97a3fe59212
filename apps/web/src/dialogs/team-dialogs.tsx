import type { Team } from "@meridian/core";
import { useState } from "react";
import { useApiMutation, useApiQuery } from "../api/hooks";
import { useActionContext } from "../actions/action-context";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { EmptyState, ErrorState, Spinner } from "../ui/feedback";
import { FormError, SelectField, TextField, useFormSubmit } from "../ui/form";
import { slugify } from "../ui/slug";
import { FormFooter } from "./project-dialogs";

export function CreateTeamDialog({ onClose }: { onClose: () => void }) {
  const ctx = useActionContext();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  const create = useApiMutation("createTeam");
  const form = useFormSubmit(
    () => create.mutateAsync({ params: { orgId: ctx.orgId ?? "" }, body: { name, slug: slug ?? slugify(name), description } }),
    (t) => {
      onClose();
      ctx.notify("success", `Created team ${t.name}`);
    },
  );
  return (
    <Dialog title="Create team" onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Create team" form="create-team" />}>
      <form id="create-team" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} required />
        <TextField label="Slug" value={slug ?? slugify(name)} onChange={(e) => setSlug(e.currentTarget.value)} error={form.fields.slug} required />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={form.fields.description} />
      </form>
    </Dialog>
  );
}

export function EditTeamDialog({ team, onClose }: { team: Team; onClose: () => void }) {
  const ctx = useActionContext();
  const [name, setName] = useState(team.name);
  const [description, setDescription] = useState(team.description);
  const update = useApiMutation("updateTeam");
  const form = useFormSubmit(
    () => update.mutateAsync({ params: { orgId: ctx.orgId ?? "", teamId: team.id }, body: { name, description } }),
    () => {
      onClose();
      ctx.notify("success", "Team saved");
    },
  );
  return (
    <Dialog title={`Edit ${team.name}`} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Save" form="edit-team" />}>
      <form id="edit-team" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} required />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={form.fields.description} />
      </form>
    </Dialog>
  );
}

export function TeamMembersDialog({ team, onClose }: { team: Team; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const members = useApiQuery("listTeamMembers", { params: { orgId, teamId: team.id } });
  const orgMembers = useApiQuery("listMembers", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("member:read") });
  const [userId, setUserId] = useState("");
  const add = useApiMutation("addTeamMember");
  const canEdit = ctx.can("team:update");
  const form = useFormSubmit(
    () => add.mutateAsync({ params: { orgId, teamId: team.id, userId } }),
    () => setUserId(""),
  );
  const inTeam = new Set(members.data?.items.map((m) => m.userId));
  const candidates = orgMembers.data?.items.filter((m) => !inTeam.has(m.userId)) ?? [];
  return (
    <Dialog title={`Team ${team.name}`} onClose={onClose} footer={<Button onClick={onClose}>Done</Button>}>
      {canEdit ? (
        <form onSubmit={form.onSubmit} className="form inline-form">
          <SelectField label="Add a member" value={userId} onChange={(e) => setUserId(e.currentTarget.value)} error={form.fields.userId}>
            <option value="">Choose a member…</option>
            {candidates.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName || m.username} (@{m.username})
              </option>
            ))}
          </SelectField>
          <Button type="submit" variant="primary" busy={form.busy} disabled={!userId}>
            Add
          </Button>
        </form>
      ) : null}
      <FormError error={form.error} />
      {members.isLoading ? <Spinner /> : members.error ? <ErrorState error={members.error} /> : null}
      {members.data && members.data.items.length === 0 ? <EmptyState title="No members yet" body={canEdit ? "Add organization members above." : undefined} /> : null}
      <ul className="plain-list">
        {members.data?.items.map((m) => (
          <li key={m.userId} className="list-row">
            <span>
              <strong>{m.displayName || m.username}</strong> <span className="muted">@{m.username}</span>
            </span>
            <Button
              size="sm"
              variant="ghost"
              disabled={!canEdit}
              title={canEdit ? undefined : "Your role does not grant team:update"}
              onClick={() => void ctx.run("removeTeamMember", { params: { orgId, teamId: team.id, userId: m.userId } }, `Removed ${m.username} from ${team.name}`)}
            >
              Remove
            </Button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
