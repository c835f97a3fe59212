import type { Organization } from "@meridian/core";
import { useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { orgActions } from "../actions/catalog";
import { useApiMutation, useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import { PageHeader } from "../resources/resource-list";
import { Button } from "../ui/button";
import { ErrorState, formatDate, Spinner } from "../ui/feedback";
import { Checkbox, FormError, TextField, useFormSubmit } from "../ui/form";

export function SettingsPage() {
  const orgId = useOrgId();
  const org = useApiQuery("getOrg", { params: { orgId } });
  if (org.isLoading) return <Spinner />;
  if (org.error || !org.data) return <ErrorState error={org.error} onRetry={() => void org.refetch()} />;
  return (
    <section className="narrow">
      <PageHeader title="Organization settings" description={`${org.data.slug} · created ${formatDate(org.data.createdAt)}`} />
      <SettingsForm key={org.data.id} org={org.data} />
      <div className="card danger-zone">
        <h2>Delete organization</h2>
        <p className="muted">Deletes every project, environment, team, role, token and the audit log of {org.data.name}. This cannot be undone.</p>
        <div className="form-actions">
          <ActionButton action={orgActions.remove} target={org.data} variant="danger" />
        </div>
      </div>
    </section>
  );
}

function SettingsForm({ org }: { org: Organization }) {
  const ctx = useActionContext();
  const [name, setName] = useState(org.name);
  const [keepForever, setKeepForever] = useState(org.auditRetentionDays === null);
  const [days, setDays] = useState(String(org.auditRetentionDays ?? 365));
  const update = useApiMutation("updateOrg");
  const canEdit = ctx.can("organization:update");
  const form = useFormSubmit(
    () => update.mutateAsync({ params: { orgId: org.slug }, body: { name, auditRetentionDays: keepForever ? null : Number(days) } }),
    () => ctx.notify("success", "Settings saved"),
  );
  return (
    <form className="card form" onSubmit={form.onSubmit} aria-labelledby="settings-h">
      <h2 id="settings-h">General</h2>
      <FormError error={form.error} fields={form.fields} />
      <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={form.fields.name} disabled={!canEdit} required />
      <Checkbox label="Keep audit events forever" checked={keepForever} onChange={setKeepForever} disabled={!canEdit} />
      {!keepForever ? (
        <TextField
          label="Keep audit events for (days)"
          type="number"
          min={30}
          max={3650}
          value={days}
          onChange={(e) => setDays(e.currentTarget.value)}
          error={form.fields.auditRetentionDays}
          hint="Between 30 and 3650 days; older events are pruned and the chain stays verifiable from the oldest kept event."
          disabled={!canEdit}
        />
      ) : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={form.busy} disabled={!canEdit} title={canEdit ? undefined : "Your role does not grant organization:update"}>
          Save settings
        </Button>
      </div>
    </form>
  );
}
