import type { Environment, Project } from "@meridian/core";
import { useState } from "react";
import { useApiMutation, useApiQuery } from "../api/hooks";
import { useActionContext } from "../actions/action-context";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Checkbox, FormError, SelectField, TextField, useFormSubmit } from "../ui/form";
import { slugify } from "../ui/slug";


function FormFooter({ onClose, busy, submitLabel, form }: { onClose: () => void; busy: boolean; submitLabel: string; form: string }) {
  return (
    <>
      <Button onClick={onClose}>Cancel</Button>
      <Button type="submit" form={form} variant="primary" busy={busy}>
        {submitLabel}
      </Button>
    </>
  );
}
export { FormFooter };

export function CreateOrgDialog({ onClose }: { onClose: () => void }) {
  const ctx = useActionContext();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const create = useApiMutation("createOrg");
  const form = useFormSubmit(
    () => create.mutateAsync({ body: { name, slug: slugTouched ? slug : slugify(name) } }),
    (org) => {
      onClose();
      ctx.notify("success", `Created ${org.name}`);
      ctx.navigate(`/orgs/${org.slug}/projects`);
    },
  );
  return (
    <Dialog title="Create organization" onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Create organization" form="create-org" />}>
      <form id="create-org" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} required autoFocus />
        <TextField
          label="Slug"
          value={slugTouched ? slug : slugify(name)}
          onChange={(e) => {
            setSlugTouched(true);
            setSlug(e.currentTarget.value);
          }}
          error={form.fields.slug}
          hint="Used in URLs: lower-case letters, digits and dashes."
          required
        />
      </form>
    </Dialog>
  );
}

export function CreateProjectDialog({ onClose }: { onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const teams = useApiQuery("listTeams", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("team:read") });
  const [name, setName] = useState("");
  const [slug, setSlug] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  const [teamId, setTeamId] = useState("");
  const [envs, setEnvs] = useState("dev, staging, prod");
  const create = useApiMutation("createProject");
  const environments = envs
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const form = useFormSubmit(
    () => create.mutateAsync({ params: { orgId }, body: { name, slug: slug ?? slugify(name), description, teamId: teamId || null, environments } }),
    (p) => {
      onClose();
      ctx.notify("success", `Created project ${p.name}`);
      ctx.navigate(`/orgs/${orgId}/projects/${p.id}`);
    },
  );
  const envError = Object.entries(form.fields).find(([k]) => k.startsWith("environments"))?.[1];
  return (
    <Dialog title="Create project" onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Create project" form="create-project" />}>
      <form id="create-project" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Name" name="name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} required />
        <TextField label="Slug" name="slug" value={slug ?? slugify(name)} onChange={(e) => setSlug(e.currentTarget.value)} error={form.fields.slug} hint="Lower-case letters, digits and dashes." required />
        <TextField label="Description" name="description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={form.fields.description} />
        <SelectField label="Owning team" value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)} error={form.fields.teamId} hint={teams.error ? "Teams could not be loaded." : undefined}>
          <option value="">No team</option>
          {teams.data?.items.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </SelectField>
        <TextField label="Environments" name="environments" value={envs} onChange={(e) => setEnvs(e.currentTarget.value)} error={envError} hint="Comma-separated slugs, in order. You can change them later." />
      </form>
    </Dialog>
  );
}

export function EditProjectDialog({ project, onClose }: { project: Project; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const teams = useApiQuery("listTeams", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("team:read") });
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [teamId, setTeamId] = useState(project.teamId ?? "");
  const update = useApiMutation("updateProject");
  const form = useFormSubmit(
    () => update.mutateAsync({ params: { orgId, projectId: project.id }, body: { name, description, teamId: teamId || null } }),
    () => {
      onClose();
      ctx.notify("success", "Project saved");
    },
  );
  return (
    <Dialog title={`Edit ${project.name}`} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Save" form="edit-project" />}>
      <form id="edit-project" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} required />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={form.fields.description} />
        <SelectField label="Owning team" value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)} error={form.fields.teamId}>
          <option value="">No team</option>
          {teams.data?.items.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </SelectField>
      </form>
    </Dialog>
  );
}

export function AddEnvironmentDialog({ project, nextPosition, onClose }: { project: Project; nextPosition: number; onClose: () => void }) {
  const ctx = useActionContext();
  const [slug, setSlug] = useState("");
  const [name, setName] = useState("");
  const [prot, setProt] = useState(false);
  const create = useApiMutation("createEnvironment");
  const form = useFormSubmit(
    () =>
      create.mutateAsync({
        params: { orgId: ctx.orgId ?? "", projectId: project.id },
        body: { slug, name: name || undefined, protected: prot, position: nextPosition },
      }),
    (env) => {
      onClose();
      ctx.notify("success", `Added environment ${env.name}`);
    },
  );
  return (
    <Dialog title={`Add environment to ${project.name}`} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Add environment" form="add-env" />}>
      <form id="add-env" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Slug" value={slug} onChange={(e) => setSlug(e.currentTarget.value)} error={form.fields.slug} placeholder="qa" required />
        <TextField label="Display name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} placeholder="Defaults to the slug" />
        <Checkbox label="Protected (production-like)" checked={prot} onChange={setProt} />
      </form>
    </Dialog>
  );
}

export function RenameEnvironmentDialog({ environment, onClose }: { environment: Environment; onClose: () => void }) {
  const ctx = useActionContext();
  const [name, setName] = useState(environment.name);
  const update = useApiMutation("updateEnvironment");
  const form = useFormSubmit(
    () => update.mutateAsync({ params: { orgId: ctx.orgId ?? "", projectId: environment.projectId, environmentId: environment.id }, body: { name } }),
    () => {
      onClose();
      ctx.notify("success", "Environment renamed");
    },
  );
  return (
    <Dialog title={`Rename ${environment.slug}`} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Rename" form="rename-env" />}>
      <form id="rename-env" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Display name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} required />
      </form>
    </Dialog>
  );
}
