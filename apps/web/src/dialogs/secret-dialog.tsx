import { SecretName } from "@meridian/core";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { api } from "../api/client";
import { afterWrite, useApiQuery } from "../api/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { Dialog } from "../ui/dialog";
import { Alert } from "../ui/feedback";
import { FileTextButton, FormError, SelectField, TextField, useFormSubmit } from "../ui/form";
import { FormFooter } from "./project-dialogs";

type Scope = "organization" | "project" | "environment";

/**
 * Sets a secret's value (a new secret, or a new version of one: rotation). The value is write-only: it is sent
 * once and never shown again, here or anywhere; releases pin the version they ran with.
 */
export function SecretDialog({ projectId, name: initialName, scope: initialScope, environmentId: initialEnv, onClose }: { projectId: string; name?: string; scope?: Scope; environmentId?: string; onClose: () => void }) {
  const ctx = useActionContext();
  const queryClient = useQueryClient();
  const orgId = ctx.orgId ?? "";
  const envs = useApiQuery("listEnvironments", { params: { orgId, projectId } });
  const environments = [...(envs.data?.items ?? [])].sort((a, b) => a.position - b.position);
  const [name, setName] = useState(initialName ?? "");
  const [scope, setScope] = useState<Scope>(initialScope ?? "project");
  const [environmentId, setEnvironmentId] = useState(initialEnv ?? "");
  const [value, setValue] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const envId = environmentId || environments[0]?.id || "";
  const form = useFormSubmit(
    async () => {
      const problems: Record<string, string> = {};
      const n = SecretName.safeParse(name.trim());
      if (!n.success) problems.name = name.trim() ? (n.error.issues[0]?.message ?? "Invalid name") : "Give the secret a name";
      if (!value) problems.value = "Give the value";
      setLocal(problems);
      if (Object.keys(problems).length) throw new Error("Check the highlighted fields.");
      const body = { value };
      const out =
        scope === "organization"
          ? await api.call("putOrgSecret", { params: { orgId, name: name.trim() }, body })
          : scope === "project"
            ? await api.call("putProjectSecret", { params: { orgId, projectId, name: name.trim() }, body })
            : await api.call("putEnvironmentSecret", { params: { orgId, projectId, environmentId: envId, name: name.trim() }, body });
      await afterWrite(queryClient);
      return out;
    },
    (s) => {
      setValue("");
      onClose();
      ctx.notify("success", `Saved ${s.name} version ${s.version} (${s.scope}). The value cannot be shown again.`);
    },
  );
  const fields = { ...form.fields, ...local };
  return (
    <Dialog title={initialName ? `Set ${initialName}` : "Set a secret"} onClose={onClose} footer={<FormFooter onClose={onClose} busy={form.busy} submitLabel="Save value" form="set-secret" />}>
      <form id="set-secret" onSubmit={form.onSubmit} className="form" autoComplete="off">
        {Object.keys(local).length ? null : <FormError error={form.error} fields={form.fields} />}
        <TextField label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} readOnly={!!initialName} hint="Lowercase letters, digits and '-'; apps refer to it by this name." className="input mono" />
        <SelectField label="Scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)} hint="A deploy uses the environment's secret, else the project's, else the organization's.">
          <option value="project">This project (every environment)</option>
          <option value="environment">One environment</option>
          <option value="organization">The whole organization</option>
        </SelectField>
        {scope === "environment" ? (
          <SelectField label="Environment" value={envId} onChange={(e) => setEnvironmentId(e.currentTarget.value)}>
            {environments.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        <TextField
          label="Value"
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setFileName(null);
          }}
          error={fields.value}
          hint={fileName ? `Loaded from ${fileName} (${value.length} characters)` : "Write-only: it is stored encrypted and never displayed again."}
        />
        <div>
          <FileTextButton
            label="Load value from a file…"
            onText={(text, file) => {
              setValue(text);
              setFileName(file);
            }}
          />
        </div>
        {initialName ? <Alert kind="info">Saving adds a new version; running releases keep the version they pinned until the next deploy.</Alert> : null}
      </form>
    </Dialog>
  );
}
