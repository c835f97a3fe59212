import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { useActionContext } from "../actions/action-context";
import { appPath } from "../actions/app-catalog";
import { api } from "../api/client";
import { errorMessage, type FieldErrors, fieldErrorsOf } from "../api/errors";
import { isConflict } from "../pages/spec-conflict";
import { afterWrite, useApiQuery } from "../api/hooks";
import { type AppDraft, applyTemplate, draftToDocument, emptyDraft, envRow, serverFieldErrors, type SourceKind, stepOfField, validateDraft } from "../apps/app-draft";
import { documentYaml, parseDocument } from "../apps/app-yaml";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, EmptyState, Spinner } from "../ui/feedback";
import { SelectField, TextField } from "../ui/form";
import { RowList } from "./row-fields";

const stepNames = ["Source", "Basics", "Review"] as const;
const sources: { id: SourceKind; title: string; body: string }[] = [
  { id: "image", title: "Container image", body: "Run an image from a registry." },
  { id: "template", title: "Template", body: "Start from a ready-made app: static site, Node.js, PostgreSQL, Redis." },
  { id: "git", title: "Git repository", body: "Build an image from the repository's Dockerfile on each deploy or push." },
];

/**
 * The create-app wizard: source (image, template or git) → basics (name, project, port, replicas, env) → the
 * YAML it will create, editable. Checked with core's AppDocument schema at each step; the server's field
 * errors land on their fields (and send the person back to that step). Nothing is deployed yet.
 */
export function CreateAppDialog({ projectId, onClose }: { projectId?: string; onClose: () => void }) {
  const ctx = useActionContext();
  const orgId = ctx.orgId ?? "";
  const queryClient = useQueryClient();
  const projects = useApiQuery("listProjects", { params: { orgId }, query: { limit: 500, sort: "name" } });
  const templates = useApiQuery("listAppTemplates", { params: { orgId } });
  const [draft, setDraft] = useState<AppDraft>(() => emptyDraft(projectId ?? ""));
  const [step, setStep] = useState<0 | 1 | 2>(0);
  const [shown, setShown] = useState<FieldErrors>({});
  const [yaml, setYaml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const projectList = projects.data?.items ?? [];
  const projectIdOrFirst = draft.projectId || projectList[0]?.id || "";
  const project = projectList.find((p) => p.id === projectIdOrFirst);
  const d = { ...draft, projectId: projectIdOrFirst };
  const generated = useMemo(() => documentYaml(draftToDocument(d, project?.slug ?? "")), [JSON.stringify(d), project?.slug]);
  // Editing clears the messages: they come back, current, on the next Next.
  const set = (patch: Partial<AppDraft>) => {
    setDraft((x) => ({ ...x, ...patch }));
    setYaml(null);
    setShown({});
  };

  function next(e?: FormEvent) {
    e?.preventDefault();
    setError(null);
    const all = validateDraft(d, project?.slug ?? "");
    const here = Object.fromEntries(Object.entries(all).filter(([k]) => stepOfField(k) <= step));
    setShown(here);
    if (Object.keys(here).length) return;
    if (step < 2) setStep((step + 1) as 1 | 2);
    else void create();
  }

  async function create() {
    const text = yaml ?? generated;
    const parsed = parseDocument(text);
    if (!parsed.ok) return setError(parsed.message);
    const target = projectList.find((p) => p.slug === parsed.doc.metadata.project);
    if (!target) return setError(`metadata.project: no project ${parsed.doc.metadata.project} in this organization`);
    setBusy(true);
    try {
      const out = await api.call("putApp", { params: { orgId, projectId: target.id, app: parsed.doc.metadata.name }, body: { spec: parsed.raw.spec as never, createOnly: true, ...(parsed.doc.metadata.description ? { description: parsed.doc.metadata.description } : {}) } });
      await afterWrite(queryClient);
      onClose();
      ctx.notify("success", `Created ${out.name}. Deploy it to an environment to run it.`);
      ctx.navigate(appPath(orgId, out.projectId, out.name));
    } catch (err) {
      // createOnly: the server refuses instead of replacing an app that exists (even one created meanwhile).
      if (isConflict(err)) {
        const taken = { "metadata.name": `${target.slug} already has an app named ${parsed.doc.metadata.name}: choose another name` };
        setShown(taken);
        // An edited document stays on the review step, which lists the problem.
        if (yaml === null) setStep(1);
        return;
      }
      const fields = serverFieldErrors(fieldErrorsOf(err));
      const first = Object.keys(fields)[0];
      if (first !== undefined && yaml === null) {
        setShown(fields);
        setStep(stepOfField(first));
      }
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const f = shown;
  return (
    <Dialog
      title="Create app"
      onClose={onClose}
      className="dialog-xl create-app-dialog"
      footer={
        <>
          <Button onClick={step === 0 ? onClose : () => setStep((step - 1) as 0 | 1)}>{step === 0 ? "Cancel" : "Back"}</Button>
          <Button type="submit" form="create-app" variant="primary" busy={busy}>
            {step === 2 ? "Create app" : "Next"}
          </Button>
        </>
      }
    >
      <ol className="wizard-steps" aria-label="Steps">
        {stepNames.map((n, i) => (
          <li key={n} className={i === step ? "current" : i < step ? "done" : undefined} aria-current={i === step ? "step" : undefined}>
            <span className="wizard-step-no">{i < step ? "✓" : i + 1}</span> {n}
          </li>
        ))}
      </ol>
      <form id="create-app" className="form" onSubmit={next} noValidate>
        {error ? <Alert kind="error">{error}</Alert> : null}
        {step === 0 ? (
          <>
            <fieldset className="source-cards">
              <legend>Where does the app come from?</legend>
              {sources.map((s) => (
                <label key={s.id} className={`source-card${d.source === s.id ? " selected" : ""}`}>
                  <input type="radio" name="source" value={s.id} checked={d.source === s.id} onChange={() => set({ source: s.id, ...(s.id !== "template" ? { template: null } : {}) })} />
                  <strong>{s.title}</strong>
                  <span className="small muted">{s.body}</span>
                </label>
              ))}
            </fieldset>
            {d.source === "template" ? (
              <div className="template-grid" role="radiogroup" aria-label="Templates">
                {templates.isLoading ? <Spinner label="Loading templates…" /> : null}
                {templates.data?.items.length === 0 ? <EmptyState title="No templates" /> : null}
                {templates.data?.items.map((t) => (
                  <button
                    key={t.id}
                    type="button"
                    role="radio"
                    aria-checked={d.template?.id === t.id}
                    className={`template-card${d.template?.id === t.id ? " selected" : ""}`}
                    data-template={t.id}
                    onClick={() => {
                      setDraft((x) => applyTemplate({ ...x, name: x.name === x.template?.id ? "" : x.name }, t));
                      setYaml(null);
                      setShown({});
                    }}
                  >
                    <strong>{t.name}</strong>
                    <span className="small muted">{t.description}</span>
                  </button>
                ))}
              </div>
            ) : null}
            {d.source === "git" ? (
              <>
                <Alert kind="info">
                  Each deploy clones the ref, builds the Dockerfile and pushes the image before releasing it; a push webhook (on the app's Builds tab) can do the same on every push. The
                  server needs a build engine configured for this (MERIDIAN_BUILD_REGISTRY and a Docker engine); without one, deploys say so.
                </Alert>
                <TextField label="Repository URL" className="input mono" placeholder="https://github.com/acme/shop.git" value={d.gitUrl} onChange={(e) => set({ gitUrl: e.currentTarget.value })} error={f["spec.source.git.url"]} />
                <div className="form-grid-2">
                  <TextField label="Ref" className="input mono" value={d.gitRef} onChange={(e) => set({ gitRef: e.currentTarget.value })} error={f["spec.source.git.ref"]} hint="Branch, tag or commit" />
                  <TextField label="Dockerfile" className="input mono" value={d.dockerfile} onChange={(e) => set({ dockerfile: e.currentTarget.value })} error={f["spec.source.git.dockerfile"]} />
                </div>
              </>
            ) : d.source === "image" || d.template ? (
              <TextField
                label="Image"
                className="input mono"
                placeholder="registry.example.com/team/app:1.2"
                value={d.image}
                onChange={(e) => set({ image: e.currentTarget.value })}
                error={f["spec.source.image"]}
                hint={d.template ? "The template's usual public image; point it at your registry's copy if you mirror images." : "A tag or a digest; deploys pin tags to their digest."}
              />
            ) : f["spec.source.image"] ? (
              <div className="field-error" role="alert">
                Pick a template
              </div>
            ) : null}
          </>
        ) : null}
        {step === 1 ? (
          <>
            <div className="form-grid-2">
              <TextField label="Name" className="input mono" value={d.name} onChange={(e) => set({ name: e.currentTarget.value })} error={f["metadata.name"]} hint="Lowercase letters, digits and '-'; names its objects in the cluster." data-autofocus />
              <SelectField label="Project" value={d.projectId} onChange={(e) => set({ projectId: e.currentTarget.value })} error={f["metadata.project"]}>
                {projectList.length === 0 ? <option value="">No projects — create one first</option> : null}
                {projectList.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </SelectField>
            </div>
            <TextField label="Description" value={d.description} onChange={(e) => set({ description: e.currentTarget.value })} error={f["metadata.description"]} />
            <div className="form-grid-2">
              <TextField label="Port" type="number" min={1} max={65535} value={d.port} onChange={(e) => set({ port: e.currentTarget.value })} error={f["spec.ports.0.port"] ?? f["spec.ports"]} hint="The port it listens on; empty for a worker without one." />
              <TextField label="Replicas" type="number" min={0} max={1000} value={d.replicas} onChange={(e) => set({ replicas: e.currentTarget.value })} error={f["spec.replicas"]} />
            </div>
            <RowList
              name="spec.env"
              legend="Environment variables"
              hint="Plain values. Secrets (passwords, tokens) are set on the app's Env & secrets tab after creating it."
              rows={d.env}
              onChange={(env) => set({ env })}
              create={() => envRow()}
              addLabel="Add variable"
              errors={f}
              empty="None."
              rowLabel="Variable"
            >
              {(row, update, i) => (
                <>
                  <input className="input mono" aria-label={`Variable name ${i + 1}`} placeholder="NAME" value={row.key} aria-invalid={f[`spec.env.${i}`] ? true : undefined} onChange={(e) => update({ key: e.currentTarget.value })} />
                  <span className="row-eq" aria-hidden>
                    =
                  </span>
                  <input className="input mono" aria-label={`Variable value ${i + 1}`} placeholder="value" value={row.value} onChange={(e) => update({ value: e.currentTarget.value })} />
                </>
              )}
            </RowList>
          </>
        ) : null}
        {step === 2 ? (
          <>
            <p className="muted small">
              The app document that will be created in <strong>{project?.name}</strong>. Edit it here if you like — it is the same YAML <code>meridian apply -f</code> takes. Creating deploys nothing.
            </p>
            {Object.keys(f).length ? (
              <Alert kind="error">
                {Object.entries(f)
                  .map(([k, m]) => `${k}: ${m}`)
                  .join("; ")}
              </Alert>
            ) : null}
            <textarea className="input textarea mono yaml-editor" aria-label="App document (YAML)" spellCheck={false} rows={18} value={yaml ?? generated} onChange={(e) => setYaml(e.currentTarget.value)} />
          </>
        ) : null}
      </form>
    </Dialog>
  );
}
