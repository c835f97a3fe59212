import type { App } from "@meridian/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { appDocActions } from "../actions/app-catalog";
import { api } from "../api/client";
import { errorMessage, fieldErrorsOf } from "../api/errors";
import { afterWrite, apiKey } from "../api/hooks";
import { parseDocument } from "../apps/app-yaml";
import { Button } from "../ui/button";
import { Alert, ErrorState, Spinner } from "../ui/feedback";
import { onEditorKey } from "./resource-yaml";
import { ConflictAlert, isConflict } from "./spec-conflict";

/** The app document as `meridian export` writes it; saving it is a PUT of the spec. */
function useAppYaml(app: App) {
  const ctx = useActionContext();
  const input = { params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name }, query: { format: "yaml" as const } };
  return useQuery({
    queryKey: [...apiKey("exportApp", input), app.specVersion],
    queryFn: async () => (await api.raw("exportApp", input)).text(),
  });
}

/**
 * The spec tab: the document read-only until Edit; Save validates with core's schema in the browser (each
 * problem with its path), then PUTs. Nothing is deployed by saving: the next deploy takes the new spec.
 */
export function AppSpecEditor({ app }: { app: App }) {
  const ctx = useActionContext();
  const queryClient = useQueryClient();
  const yaml = useAppYaml(app);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [base, setBase] = useState(app.specVersion);
  // The edit was based on this version; a save refused for it keeps the draft until the person reloads.
  async function reload() {
    setConflict(false);
    setDraft(null);
    setError(null);
    await afterWrite(queryClient);
  }
  async function save() {
    if (draft === null) return;
    setError(null);
    const parsed = parseDocument(draft);
    if (!parsed.ok) return setError(parsed.message);
    if (parsed.doc.metadata.name !== app.name || parsed.doc.metadata.project !== app.projectSlug) {
      return setError(`metadata.name and metadata.project must stay ${app.name} and ${app.projectSlug}: to rename or move an app, apply the document as a new app and delete this one.`);
    }
    setBusy(true);
    try {
      const out = await api.call("putApp", {
        params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name },
        body: { spec: parsed.raw.spec as never, description: parsed.doc.metadata.description ?? "", expectedSpecVersion: base },
      });
      ctx.notify("success", out.specVersion === base ? "No changes to save" : `Saved spec version ${out.specVersion}. Deploy to run it.`);
      setDraft(null);
      await afterWrite(queryClient);
    } catch (err) {
      if (isConflict(err)) {
        setConflict(true);
        return;
      }
      const fields = fieldErrorsOf(err);
      const detail = Object.entries(fields).map(([k, m]) => `${k}: ${m}`);
      setError(detail.length ? `${errorMessage(err)} — ${detail.join("; ")}` : errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  if (yaml.isLoading) return <Spinner label="Loading the document…" />;
  if (yaml.error) return <ErrorState error={yaml.error} onRetry={() => void yaml.refetch()} />;
  if (draft === null) {
    return (
      <div className="yaml-tab">
        <div className="toolbar">
          <Button
            variant="primary"
            onClick={() => {
              setBase(app.specVersion);
              setDraft(yaml.data ?? "");
            }}
          >
            Edit
          </Button>
          <ActionButton action={appDocActions.export} target={app} />
          <span className="muted small toolbar-note">Spec version {app.specVersion} · the document <code>meridian apply -f</code> takes.</span>
        </div>
        <pre className="code-view" data-testid="spec-view">
          <code>{yaml.data}</code>
        </pre>
      </div>
    );
  }
  return (
    <div className="yaml-tab">
      <div className="toolbar">
        <Button variant="primary" onClick={() => void save()} busy={busy}>
          Save
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setDraft(null);
            setError(null);
          }}
          disabled={busy}
        >
          Cancel
        </Button>
        <span className="muted small toolbar-note">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves · saving does not deploy
        </span>
      </div>
      {conflict ? <ConflictAlert onReload={reload} what="your edit" /> : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      <textarea
        className="input textarea mono yaml-editor yaml-editor-tall"
        aria-label="App document (YAML)"
        spellCheck={false}
        value={draft}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => onEditorKey(e, setDraft, () => void save())}
      />
    </div>
  );
}
