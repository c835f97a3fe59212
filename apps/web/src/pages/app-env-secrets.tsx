import type { App, AppSpec } from "@meridian/core";
import { useMemo, useState } from "react";
import { useActionContext } from "../actions/action-context";
import { fieldErrorsOf } from "../api/errors";
import { useApiQuery } from "../api/hooks";
import { type EnvRow, envRow } from "../apps/app-draft";
import { addSecretRef, removeSecretRef, resolveSecret, setEnv } from "../apps/spec-edit";
import { RowList } from "../dialogs/row-fields";
import { Button } from "../ui/button";
import { Alert, Badge, EmptyState } from "../ui/feedback";
import { FormError } from "../ui/form";
import { ConflictAlert, isConflict, useSaveSpec } from "./spec-conflict";

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Plain environment variables of the spec and the secrets it references, with where each resolves per environment. */
export function AppEnvSecrets({ app }: { app: App }) {
  return (
    <div className="app-env-tab">
      <EnvEditor app={app} />
      <SecretRefs app={app} />
    </div>
  );
}

function EnvEditor({ app }: { app: App }) {
  const ctx = useActionContext();
  const { save, busy, conflict, reload } = useSaveSpec(app);
  // Untouched, the editor shows the app as it is now; the first edit fixes the spec version it is based on,
  // and saving refuses (conflict) if someone saved another version since.
  const saved = useMemo(() => Object.entries(app.spec.env).map(([k, v]) => envRow(k, v)), [app.specVersion]);
  const [edit, setEdit] = useState<{ rows: EnvRow[]; base: number } | null>(null);
  const rows = edit?.rows ?? saved;
  const setRows = (r: EnvRow[]) => setEdit({ rows: r, base: edit?.base ?? app.specVersion });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<unknown>(null);
  const secretVars = new Set(app.spec.secrets.map((s) => s.env));
  const changed = JSON.stringify(rows.map((r) => [r.key, r.value])) !== JSON.stringify(Object.entries(app.spec.env));
  async function onSave() {
    const e: Record<string, string> = {};
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      const k = r.key.trim();
      if (!envName.test(k)) e[`env.${i}`] = k ? `${k} is not a variable name: letters, digits and '_', not starting with a digit` : "Give the variable a name";
      else if (seen.has(k)) e[`env.${i}`] = `${k} is set twice`;
      else if (secretVars.has(k)) e[`env.${i}`] = `${k} is already given by a secret`;
      seen.add(k);
    });
    setErrors(e);
    setServerError(null);
    if (Object.keys(e).length) return;
    try {
      const out = await save(setEnv(app.spec, Object.fromEntries(rows.map((r) => [r.key.trim(), r.value]))), { expected: edit?.base });
      setEdit(null);
      ctx.notify("success", `Saved spec version ${out.specVersion}. Deploy to apply the new environment.`);
    } catch (err) {
      if (isConflict(err)) return;
      setServerError(err);
      setErrors(Object.fromEntries(Object.entries(fieldErrorsOf(err)).map(([k, m]) => [k.replace(/^spec\./, ""), m])));
    }
  }
  const overrides = Object.entries(app.spec.environments).filter(([, o]) => o.env && Object.keys(o.env).length);
  return (
    <section className="card app-section" aria-labelledby="env-title">
      <div className="section-head">
        <h2 id="env-title">Environment variables</h2>
        <div className="row-actions">
          {changed ? <span className="small muted">Unsaved changes</span> : null}
          <Button variant="primary" onClick={() => void onSave()} busy={busy} disabled={!changed}>
            Save variables
          </Button>
        </div>
      </div>
      {conflict ? (
        <ConflictAlert
          onReload={async () => {
            setEdit(null);
            setErrors({});
            await reload();
          }}
          what="your variables"
        />
      ) : null}
      <FormError error={serverError} fields={errors} />
      <RowList
        name="env"
        legend="Variables"
        hint="Plain values, visible to anyone who can read the app. Put passwords and tokens in secrets below."
        rows={rows}
        onChange={setRows}
        create={() => envRow()}
        addLabel="Add variable"
        errors={errors}
        empty="No variables."
        rowLabel="Variable"
      >
        {(row, update, i) => (
          <>
            <input className="input mono" aria-label={`Variable name ${i + 1}`} placeholder="NAME" value={row.key} aria-invalid={errors[`env.${i}`] ? true : undefined} onChange={(e) => update({ key: e.currentTarget.value })} />
            <span className="row-eq" aria-hidden>
              =
            </span>
            <input className="input mono" aria-label={`Variable value ${i + 1}`} placeholder="value" value={row.value} onChange={(e) => update({ value: e.currentTarget.value })} />
          </>
        )}
      </RowList>
      {overrides.length ? (
        <div className="small muted">
          {overrides.map(([env, o]) => (
            <p key={env}>
              Overridden in <strong>{env}</strong>:{" "}
              {Object.entries(o.env ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(", ")}{" "}
              (edit in the Spec tab)
            </p>
          ))}
        </div>
      ) : null}
    </section>
  );
}

function SecretRefs({ app }: { app: App }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const { save, busy, conflict, reload } = useSaveSpec(app);
  const project = useApiQuery("listProjectSecrets", { params: { orgId, projectId: app.projectId } });
  const org = useApiQuery("listOrgSecrets", { params: { orgId } });
  const [envVar, setEnvVar] = useState("");
  const [secret, setSecret] = useState("");
  const [addError, setAddError] = useState<string | null>(null);
  const projectSecrets = project.data?.items ?? [];
  const orgSecrets = org.data?.items ?? [];
  const missing = app.spec.secrets.flatMap((s) => app.environments.filter((e) => !resolveSecret(s.secret, e.environmentId, projectSecrets, orgSecrets)).map((e) => `${s.secret} in ${e.environmentName}`));
  async function add() {
    const v = envVar.trim();
    const n = secret.trim();
    if (!envName.test(v)) return setAddError("The variable needs a name: letters, digits and '_', not starting with a digit");
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(n)) return setAddError("The secret name is lowercase letters, digits and '-'");
    if (v in app.spec.env) return setAddError(`${v} is a plain variable already; remove it there first`);
    setAddError(null);
    try {
      await save(addSecretRef(app.spec, { env: v, secret: n }));
      setEnvVar("");
      setSecret("");
      ctx.notify("success", `${v} now comes from the secret ${n}`);
    } catch (err) {
      if (!isConflict(err)) setAddError((err as Error).message);
    }
  }
  return (
    <section className="card app-section" aria-labelledby="secrets-title">
      <div className="section-head">
        <h2 id="secrets-title">Secrets</h2>
        <Button onClick={() => ctx.open({ kind: "set-secret", projectId: app.projectId })}>Set a secret…</Button>
      </div>
      {conflict ? <ConflictAlert onReload={reload} what="the secret reference" /> : null}
      <p className="muted small">Values are write-only: Meridian stores them encrypted, shows only their versions, and gives them to the app as environment variables. Each deploy pins the versions it used.</p>
      {project.error ? <Alert kind="warning">Project secrets could not be listed: {(project.error as Error).message}</Alert> : null}
      {org.error ? <Alert kind="info">Organization secrets are not visible to you; a secret shown missing may still exist there.</Alert> : null}
      {missing.length && project.data ? (
        <Alert kind="warning">
          <strong>Missing secrets</strong> — a deploy will be refused until they are set: {missing.join(", ")}.
        </Alert>
      ) : null}
      {app.spec.secrets.length === 0 ? (
        <EmptyState title="No secrets referenced" body="Reference a secret below to give its value to the app as an environment variable." />
      ) : (
        <div className="table-wrap">
          <table className="table responsive" aria-label="Secret references">
            <thead>
              <tr>
                <th>Variable</th>
                <th>Secret</th>
                {app.environments.map((e) => (
                  <th key={e.environmentId}>{e.environmentName}</th>
                ))}
                <th className="actions-col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {app.spec.secrets.map((s) => (
                <tr key={s.env} data-secret={s.secret}>
                  <td data-label="Variable">
                    <code>{s.env}</code>
                  </td>
                  <td data-label="Secret">
                    <code>{s.secret}</code>
                  </td>
                  {app.environments.map((e) => {
                    const found = resolveSecret(s.secret, e.environmentId, projectSecrets, orgSecrets);
                    return (
                      <td key={e.environmentId} data-label={e.environmentName} data-env={e.environmentSlug}>
                        {!project.data ? (
                          "…"
                        ) : found ? (
                          <span title={`Set by ${found.createdBy}`}>
                            <Badge tone="success">v{found.version}</Badge> <span className="small muted">{found.scope}</span>
                          </span>
                        ) : (
                          <Badge tone="warning">missing</Badge>
                        )}
                      </td>
                    );
                  })}
                  <td className="actions-col" data-label="">
                    <div className="row-actions">
                      <Button size="sm" onClick={() => ctx.open({ kind: "set-secret", projectId: app.projectId, name: s.secret })}>
                        Set value
                      </Button>
                      <Button size="sm" variant="ghost" className="btn-danger-text" disabled={busy} onClick={() => void save(removeSecretRef(app.spec, s.env)).catch((err) => isConflict(err) || ctx.notify("error", (err as Error).message))} aria-label={`Remove ${s.env}`}>
                        Remove
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form
        className="inline-form secret-ref-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label className="inline-field">
          <span>Variable</span>
          <input className="input mono" placeholder="DATABASE_PASSWORD" value={envVar} onChange={(e) => setEnvVar(e.currentTarget.value)} />
        </label>
        <label className="inline-field">
          <span>from secret</span>
          <input className="input mono" placeholder="db-password" value={secret} onChange={(e) => setSecret(e.currentTarget.value)} />
        </label>
        <Button type="submit" busy={busy}>
          Add reference
        </Button>
      </form>
      {addError ? (
        <div className="field-error" role="alert">
          {addError}
        </div>
      ) : null}
    </section>
  );
}
