import { type App, type AppSpec, isAppError } from "@meridian/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { afterWrite, useApiMutation } from "../api/hooks";
import { Button } from "../ui/button";

/** The server refused a write because what it was based on moved (spec version, or the app exists). */
export function isConflict(err: unknown): boolean {
  return isAppError(err) && err.code === "conflict";
}

/**
 * Saves a spec edited from `app` only if nobody saved another version meanwhile (`expectedSpecVersion`):
 * two editors never overwrite each other. A refusal sets `conflict`; `reload` fetches the app again.
 * Other errors are thrown to the caller; a conflict is thrown too, so callers can stop, but they need not
 * show it (the ConflictAlert does).
 */
export function useSaveSpec(app: App) {
  const ctx = useActionContext();
  const queryClient = useQueryClient();
  const put = useApiMutation("putApp");
  const [conflict, setConflict] = useState(false);
  /** `expected`: the spec version the edit started from (the app's current one by default). */
  async function save(spec: AppSpec, opts: { description?: string; expected?: number } = {}) {
    const { expected, ...extra } = opts;
    try {
      return await put.mutateAsync({ params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name }, body: { spec, ...extra, expectedSpecVersion: expected ?? app.specVersion } });
    } catch (err) {
      if (isConflict(err)) setConflict(true);
      throw err;
    }
  }
  async function reload() {
    setConflict(false);
    await afterWrite(queryClient);
  }
  return { save, busy: put.isPending, conflict, reload };
}

/** "The app changed meanwhile": what happened and the one way out, reloading (which drops the edit). */
export function ConflictAlert({ onReload, what = "your change" }: { onReload: () => void | Promise<void>; what?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="alert alert-warning conflict-alert" role="alert" data-testid="spec-conflict">
      <span>
        <strong>The app changed meanwhile</strong> — someone saved a newer spec version, so {what} was not saved. Reload to see the current spec, then make
        the change again.
      </span>
      <Button
        size="sm"
        variant="primary"
        className="alert-action"
        busy={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onReload();
          } finally {
            setBusy(false);
          }
        }}
      >
        Reload
      </Button>
    </div>
  );
}
