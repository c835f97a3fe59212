import type { App, RouteResponse, Routes } from "@meridian/core";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { errorMessage } from "../api/errors";
import { useApiMutation } from "../api/hooks";
import { sourceOf } from "../apps/status";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, CopyField } from "../ui/feedback";
import { Checkbox } from "../ui/form";

type WebhookInfo = RouteResponse<Routes["putAppWebhook"]>;

/**
 * Creates the app's push webhook, or changes its environments and rotates its secret (every PUT makes a new
 * one). The secret is shown here once, with the URL and how to set it up in the git host.
 */
export function WebhookDialog({ app, environments, rotate, onClose }: { app: App; environments: string[]; rotate: boolean; onClose: () => void }) {
  const ctx = useActionContext();
  const put = useApiMutation("putAppWebhook");
  const [chosen, setChosen] = useState<string[]>(environments);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<WebhookInfo | null>(null);
  const branch = "git" in app.spec.source ? app.spec.source.git.ref : "";
  async function submit() {
    setError(null);
    if (chosen.length === 0) return setError("Choose at least one environment a push deploys to");
    try {
      setCreated(await put.mutateAsync({ params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name }, body: { environments: chosen } }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  if (created) {
    return (
      <Dialog title="Push webhook" onClose={onClose} wide footer={<Button variant="primary" onClick={onClose} data-autofocus>I have copied the secret</Button>}>
        <div className="form webhook-created">
          <Alert kind="warning">
            <strong>Copy the secret now.</strong> It is shown only once; Meridian keeps it encrypted and cannot show it again. Lost it? Rotate it here and update the git host.
          </Alert>
          <div className="copy-block">
            <span className="copy-block-label">Payload URL</span>
            <CopyField label="Payload URL" value={created.url} />
          </div>
          <div className="copy-block">
            <span className="copy-block-label">Secret</span>
            <CopyField label="Secret" value={created.secret ?? ""} />
          </div>
          <div className="small muted">
            <p>In your git host's webhook settings (GitHub, Gitea, GitLab…):</p>
            <ul className="plain-list">
              <li>
                Payload URL: the URL above; content type <code>application/json</code>
              </li>
              <li>Secret: the secret above (requests are signed with HMAC-SHA256)</li>
              <li>
                Events: <strong>push</strong> only. Pushes to <code>{branch}</code> build that commit and deploy it to{" "}
                {created.environments.map((id) => app.environments.find((e) => e.environmentId === id)?.environmentName ?? id).join(", ")}; other branches are ignored.
              </li>
            </ul>
          </div>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      title={rotate ? "Change the webhook and rotate its secret" : "Create a push webhook"}
      onClose={onClose}
      wide
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form="app-webhook" variant="primary" busy={put.isPending}>
            {rotate ? "Rotate secret" : "Create webhook"}
          </Button>
        </>
      }
    >
      <form
        id="app-webhook"
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="small muted">
          A push to <code>{branch}</code> of <code className="mono">{sourceOf(app.spec).text.replace(/#.*$/, "")}</code> builds the pushed commit and deploys it to the environments chosen here.
        </p>
        {rotate ? <Alert kind="warning">Saving makes a new secret: the old one stops working at once, so update the git host's webhook with the new one.</Alert> : null}
        {error ? <Alert kind="error">{error}</Alert> : null}
        <fieldset className="checkbox-group">
          <legend>Deploy pushes to</legend>
          {app.environments.map((e) => (
            <Checkbox
              key={e.environmentId}
              label={
                <>
                  {e.environmentName}
                  {e.target ? null : <span className="muted small"> (no cluster bound)</span>}
                </>
              }
              checked={chosen.includes(e.environmentId)}
              onChange={(on) => setChosen((c) => (on ? [...c, e.environmentId] : c.filter((x) => x !== e.environmentId)))}
            />
          ))}
        </fieldset>
      </form>
    </Dialog>
  );
}
