import { useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, useState } from "react";
import { useActionContext } from "../actions/action-context";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import { afterWrite } from "../api/hooks";
import { Button } from "../ui/button";
import { Alert } from "../ui/feedback";
import { type ApplyOutcome, ApplyDiff } from "./apply-diff";

/** Tab inserts two spaces instead of leaving the editor; Ctrl/Cmd+Enter runs `onSubmit`. */
export function onEditorKey(e: KeyboardEvent<HTMLTextAreaElement>, setValue: (v: string) => void, onSubmit: () => void) {
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
    e.preventDefault();
    onSubmit();
    return;
  }
  if (e.key !== "Tab" || e.shiftKey) return;
  e.preventDefault();
  const el = e.currentTarget;
  const { selectionStart: a, selectionEnd: b, value } = el;
  setValue(`${value.slice(0, a)}  ${value.slice(b)}`);
  requestAnimationFrame(() => el.setSelectionRange(a + 2, a + 2));
}

/**
 * The YAML tab: read-only until Edit; "Review changes" runs a server-side dry run and shows the diff;
 * "Apply" applies for real. The draft survives errors, and editing after a review clears the stale diff.
 */
export function ResourceYaml({ clusterId, yaml, namespace }: { clusterId: string; yaml: string; namespace?: string }) {
  const ctx = useActionContext();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  const [review, setReview] = useState<ApplyOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"review" | "apply" | null>(null);
  const canEdit = ctx.can("workload:update");
  async function run(dryRun: boolean) {
    if (draft === null) return;
    setBusy(dryRun ? "review" : "apply");
    setError(null);
    try {
      const out = await api.call("applyResources", { params: { orgId: ctx.orgId ?? "", clusterId }, body: { yaml: draft, dryRun, ...(namespace ? { namespace } : {}) } });
      if (dryRun) setReview(out);
      else {
        ctx.notify("success", `Applied: ${out.results.map((r) => `${r.name} ${r.action}`).join(", ") || "nothing to do"}`);
        setDraft(null);
        setReview(null);
        await afterWrite(queryClient);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  if (draft === null) {
    return (
      <div className="yaml-tab">
        <div className="toolbar">
          <span className="tip-wrap" title={canEdit ? undefined : "Your role does not grant workload:update"}>
            <Button variant="primary" onClick={() => setDraft(yaml)} disabled={!canEdit}>
              Edit
            </Button>
          </span>
          <span className="muted small toolbar-note">Read-only view of the live object. Status and server-managed fields are left out when applying.</span>
        </div>
        <pre className="code-view" data-testid="yaml-view">
          <code>{yaml}</code>
        </pre>
      </div>
    );
  }
  return (
    <div className="yaml-tab">
      <div className="toolbar">
        <Button onClick={() => void run(true)} busy={busy === "review"} disabled={busy !== null}>
          Review changes
        </Button>
        <Button variant="primary" onClick={() => void run(false)} busy={busy === "apply"} disabled={busy !== null}>
          Apply
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setDraft(null);
            setReview(null);
            setError(null);
          }}
          disabled={busy !== null}
        >
          Cancel
        </Button>
        <span className="muted small toolbar-note">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd> reviews
        </span>
      </div>
      {error ? <Alert kind="error">{errorMessage(error)}</Alert> : null}
      {/* With a review, the diff sits beside the editor so both stay in view. */}
      <div className={review ? "yaml-split" : undefined}>
        <textarea
          className="input textarea mono yaml-editor yaml-editor-tall"
          aria-label="YAML"
          spellCheck={false}
          value={draft}
          onChange={(e) => {
            setDraft(e.currentTarget.value);
            setReview(null);
          }}
          onKeyDown={(e) =>
            onEditorKey(
              e,
              (v) => {
                setDraft(v);
                setReview(null);
              },
              () => void run(true),
            )
          }
        />
        {review ? (
          <div className="yaml-review" aria-label="Review">
            <h3 className="yaml-review-title">What applying changes</h3>
            <ApplyDiff outcome={review} />
          </div>
        ) : null}
      </div>
    </div>
  );
}
