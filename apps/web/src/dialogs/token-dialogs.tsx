import { useState } from "react";
import { useApiMutation, useApiQuery } from "../api/hooks";
import { useActionContext } from "../actions/action-context";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, CopyField } from "../ui/feedback";
import { FormError, SelectField, TextField, useFormSubmit } from "../ui/form";
import { FormFooter } from "./project-dialogs";
import { ScopePicker, type ScopeDraft, toScope } from "./role-dialogs";

/** Creates an API token and shows the secret exactly once. */
export function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const roles = useApiQuery("listRoles", { params: { orgId }, query: { limit: 500 } });
  const [name, setName] = useState("");
  const [roleId, setRoleId] = useState("");
  const [days, setDays] = useState("30");
  const [scope, setScope] = useState<ScopeDraft>({ kind: "organization", projectId: "", environmentId: "" });
  const create = useApiMutation("createToken");
  const defaultRole = roles.data?.items.find((r) => r.slug === "viewer") ?? roles.data?.items[0];
  const form = useFormSubmit(() =>
    create.mutateAsync({ params: { orgId }, body: { name, roleId: roleId || defaultRole?.id || "", scope: toScope(scope), expiresInDays: Number(days) } }),
  );
  const created = create.data;
  if (created) {
    return (
      <Dialog title="Token created" onClose={onClose} footer={<Button variant="primary" onClick={onClose}>I have stored it</Button>}>
        <Alert kind="warning">
          <strong>Copy this token now.</strong> It is shown only once; Meridian keeps only a hash of it.
        </Alert>
        <CopyField value={created.token} label="API token" />
        <p className="muted small">
          {created.name} · {created.roleName} · expires {new Date(created.expiresAt).toLocaleDateString()}
        </p>
      </Dialog>
    );
  }
  return (
    <Dialog title="Create API token" onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Create token" form="create-token" />}>
      <form id="create-token" onSubmit={form.onSubmit} className="form">
        <FormError error={form.error} fields={form.fields} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} placeholder="ci-deploy" required />
        <SelectField label="Role" value={roleId || defaultRole?.id || ""} onChange={(e) => setRoleId(e.currentTarget.value)} error={form.fields.roleId} hint="The token can never do more than you can.">
          {roles.data?.items.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </SelectField>
        <ScopePicker value={scope} onChange={setScope} error={form.fields.scope} />
        <SelectField label="Expires in" value={days} onChange={(e) => setDays(e.currentTarget.value)} error={form.fields.expiresInDays}>
          {["7", "30", "90", "180", "365"].map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </SelectField>
      </form>
    </Dialog>
  );
}
