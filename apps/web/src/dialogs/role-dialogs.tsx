import { type BindingScope, expandPermissions, type Role } from "@meridian/core";
import { useMemo, useState } from "react";
import { useApiMutation, useApiQuery } from "../api/hooks";
import { useActionContext } from "../actions/action-context";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Badge, Spinner } from "../ui/feedback";
import { FormError, SelectField, TextField, useFormSubmit } from "../ui/form";
import { slugify } from "../ui/slug";
import { FormFooter } from "./project-dialogs";

/** resource x action checkboxes from listPermissions; cells that the catalog does not offer stay empty. */
export function PermissionMatrix({ value, onChange, readOnly }: { value: Set<string>; onChange?: (next: Set<string>) => void; readOnly?: boolean }) {
  const catalog = useApiQuery("listPermissions", {});
  const items = catalog.data?.items ?? [];
  const actions = useMemo(() => [...new Set(items.flatMap((i) => i.actions))], [items]);
  if (catalog.isLoading) return <Spinner label="Loading permissions…" />;
  function toggle(p: string, on: boolean) {
    const next = new Set(value);
    if (on) next.add(p);
    else next.delete(p);
    onChange?.(next);
  }
  function toggleRow(resource: string, acts: string[]) {
    const all = acts.every((a) => value.has(`${resource}:${a}`));
    const next = new Set(value);
    for (const a of acts) {
      if (all) next.delete(`${resource}:${a}`);
      else next.add(`${resource}:${a}`);
    }
    onChange?.(next);
  }
  return (
    <div className="matrix-wrap">
      <table className="matrix" aria-label="Permissions">
        <thead>
          <tr>
            <th>Resource</th>
            {actions.map((a) => (
              <th key={a}>{a}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((row) => (
            <tr key={row.resource}>
              <th scope="row">
                {readOnly ? (
                  row.resource
                ) : (
                  <button type="button" className="link-btn" onClick={() => toggleRow(row.resource, row.actions)} title="Toggle the whole row">
                    {row.resource}
                  </button>
                )}
              </th>
              {actions.map((a) => {
                const p = `${row.resource}:${a}`;
                if (!row.actions.includes(a)) return <td key={a} className="matrix-na" />;
                return (
                  <td key={a}>
                    <input
                      type="checkbox"
                      aria-label={p}
                      checked={value.has(p)}
                      disabled={readOnly}
                      onChange={(e) => toggle(p, e.currentTarget.checked)}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RoleEditorDialog({ role, onClose }: { role: Role | null; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const readOnly = !!role?.builtin || (role ? !ctx.can("role:update") : !ctx.can("role:create"));
  const [name, setName] = useState(role?.name ?? "");
  const [slug, setSlug] = useState<string | null>(role?.slug ?? null);
  const [description, setDescription] = useState(role?.description ?? "");
  const [perms, setPerms] = useState<Set<string>>(new Set(expandPermissions(role?.permissions ?? [])));
  const create = useApiMutation("createRole");
  const update = useApiMutation("updateRole");
  const form = useFormSubmit(
    () =>
      role
        ? update.mutateAsync({ params: { orgId, roleId: role.id }, body: { name, description, permissions: [...perms] } })
        : create.mutateAsync({ params: { orgId }, body: { name, slug: slug ?? slugify(name), description, permissions: [...perms] } }),
    (r) => {
      onClose();
      ctx.notify("success", role ? `Saved role ${r.name}` : `Created role ${r.name}`);
    },
  );
  const title = role ? (role.builtin ? `${role.name} (built-in)` : `Edit ${role.name}`) : "Create custom role";
  return (
    <Dialog
      title={title}
      onClose={onClose}
      wide
      footer={readOnly ? <Button onClick={onClose}>Close</Button> : <FormFooter onClose={onClose} busy={form.busy} submitLabel={role ? "Save role" : "Create role"} form="role-editor" />}
    >
      <form id="role-editor" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        {role?.builtin ? (
          <p className="muted">
            <Badge>built-in</Badge> {role.description} Built-in roles cannot be changed; create a custom role instead.
          </p>
        ) : (
          <div className="form-grid">
            <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} disabled={readOnly} required />
            <TextField label="Slug" value={slug ?? slugify(name)} onChange={(e) => setSlug(e.currentTarget.value)} error={form.fields.slug} disabled={readOnly || !!role} required />
            <TextField label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={form.fields.description} disabled={readOnly} />
          </div>
        )}
        <PermissionMatrix value={perms} onChange={setPerms} readOnly={readOnly} />
        {form.fields.permissions ? <div className="field-error">{form.fields.permissions}</div> : null}
        <p className="muted small">{perms.size} permission{perms.size === 1 ? "" : "s"} selected. You can only grant permissions you hold yourself.</p>
      </form>
    </Dialog>
  );
}

export function CreateBindingDialog({
  onClose,
  initialScope,
  initialSubject,
}: {
  onClose: () => void;
  initialScope?: { kind: "project" | "environment"; projectId: string; environmentId?: string };
  initialSubject?: { kind: "user" | "team"; id: string };
}) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const roles = useApiQuery("listRoles", { params: { orgId }, query: { limit: 500 } });
  const members = useApiQuery("listMembers", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("member:read") });
  const teams = useApiQuery("listTeams", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("team:read") });
  const [roleId, setRoleId] = useState("");
  const [subjectKind, setSubjectKind] = useState<"user" | "team">(initialSubject?.kind ?? "user");
  const [subjectId, setSubjectId] = useState(initialSubject?.id ?? "");
  const [scope, setScope] = useState<ScopeDraft>(
    initialScope ? { kind: initialScope.kind, projectId: initialScope.projectId, environmentId: initialScope.environmentId ?? "" } : { kind: "organization", projectId: "", environmentId: "" },
  );
  const create = useApiMutation("createRoleBinding");
  const form = useFormSubmit(
    () => create.mutateAsync({ params: { orgId }, body: { roleId, subject: { kind: subjectKind, id: subjectId }, scope: toScope(scope) } }),
    () => {
      onClose();
      ctx.notify("success", "Role granted");
    },
  );
  const subjects =
    subjectKind === "user"
      ? (members.data?.items ?? []).map((m) => ({ id: m.userId, label: `${m.displayName || m.username} (@${m.username})` }))
      : (teams.data?.items ?? []).map((t) => ({ id: t.id, label: t.name }));
  return (
    <Dialog title="Grant a role" onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Grant role" form="create-binding" />}>
      <form id="create-binding" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <SelectField label="Role" value={roleId} onChange={(e) => setRoleId(e.currentTarget.value)} error={form.fields.roleId} required>
          <option value="">Choose a role…</option>
          {roles.data?.items.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </SelectField>
        <div className="form-grid">
          <SelectField label="Given to" value={subjectKind} onChange={(e) => { setSubjectKind(e.currentTarget.value as "user" | "team"); setSubjectId(""); }}>
            <option value="user">A member</option>
            <option value="team">A team</option>
          </SelectField>
          <SelectField label={subjectKind === "user" ? "Member" : "Team"} value={subjectId} onChange={(e) => setSubjectId(e.currentTarget.value)} error={form.fields["subject.id"]} required>
            <option value="">Choose…</option>
            {subjects.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </SelectField>
        </div>
        <ScopePicker value={scope} onChange={setScope} error={form.fields.scope ?? form.fields["scope.projectId"] ?? form.fields["scope.environmentId"]} />
      </form>
    </Dialog>
  );
}

export interface ScopeDraft {
  kind: BindingScope["kind"];
  projectId: string;
  environmentId: string;
}

export function toScope(s: ScopeDraft): BindingScope {
  if (s.kind === "project") return { kind: "project", projectId: s.projectId };
  if (s.kind === "environment") return { kind: "environment", projectId: s.projectId, environmentId: s.environmentId };
  return { kind: "organization" };
}

/** Organization, one project, or one environment of a project. */
export function ScopePicker({ value, onChange, error }: { value: ScopeDraft; onChange: (s: ScopeDraft) => void; error?: string }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const projects = useApiQuery("listProjects", { params: { orgId }, query: { limit: 500 } }, { enabled: value.kind !== "organization" });
  const envs = useApiQuery("listEnvironments", { params: { orgId, projectId: value.projectId } }, { enabled: value.kind === "environment" && !!value.projectId });
  return (
    <div className="form-grid">
      <SelectField label="Scope" value={value.kind} onChange={(e) => onChange({ ...value, kind: e.currentTarget.value as ScopeDraft["kind"] })} error={error}>
        <option value="organization">Whole organization</option>
        <option value="project">One project</option>
        <option value="environment">One environment</option>
      </SelectField>
      {value.kind !== "organization" ? (
        <SelectField label="Project" value={value.projectId} onChange={(e) => onChange({ ...value, projectId: e.currentTarget.value, environmentId: "" })} required>
          <option value="">Choose a project…</option>
          {projects.data?.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      {value.kind === "environment" ? (
        <SelectField label="Environment" value={value.environmentId} onChange={(e) => onChange({ ...value, environmentId: e.currentTarget.value })} required>
          <option value="">Choose an environment…</option>
          {envs.data?.items.map((en) => (
            <option key={en.id} value={en.id}>
              {en.name}
            </option>
          ))}
        </SelectField>
      ) : null}
    </div>
  );
}
