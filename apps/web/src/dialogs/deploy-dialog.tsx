import { type App, ImageReference, type Release, resolveEnvironmentSpec, Strategy } from "@meridian/core";
import { useState } from "react";
import { useActionContext } from "../actions/action-context";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import { useApiQuery } from "../api/hooks";
import { canPromote, isSettled, releaseStateLabel, strategyLabel } from "../apps/status";
import { type ApplyOutcome, ApplyDiff } from "../pages/apply-diff";
import { ReleaseProgress, ReleaseStateBadge, StepList } from "../pages/app-parts";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Alert, Spinner } from "../ui/feedback";
import { Checkbox, TextField } from "../ui/form";
import { useNow } from "../ui/use-now";
import { RowList } from "./row-fields";

type StrategyChoice = "spec" | "rolling" | "bluegreen" | "canary";
interface CanaryRow {
  id: number;
  weight: string;
  pause: string;
}
let rowId = 1;
const canaryRow = (weight: string, pause: string): CanaryRow => ({ id: rowId++, weight, pause });

/**
 * Deploy one environment: optional image override and strategy, "Preview" runs the server's dry run and shows
 * the diff of every object, "Deploy" creates the release and the dialog follows it step by step (polled every
 * second) until it settles; promote and abort act on it here.
 */
export function DeployDialog({ app, environmentId, onClose }: { app: App; environmentId: string; onClose: () => void }) {
  const [release, setRelease] = useState<Release | null>(null);
  const env = app.environments.find((e) => e.environmentId === environmentId);
  if (!env) {
    return (
      <Dialog title="Deploy" onClose={onClose}>
        <Alert kind="error">This environment no longer exists.</Alert>
      </Dialog>
    );
  }
  const title = `Deploy ${app.name} to ${env.environmentName}`;
  return release ? <Progress title={title} app={app} release={release} onClose={onClose} /> : <DeployForm title={title} app={app} envSlug={env.environmentSlug} environmentId={environmentId} firstDeploy={!env.current} onRelease={setRelease} onClose={onClose} />;
}

function DeployForm({ title, app, envSlug, environmentId, firstDeploy, onRelease, onClose }: { title: string; app: App; envSlug: string; environmentId: string; firstDeploy: boolean; onRelease: (r: Release) => void; onClose: () => void }) {
  const ctx = useActionContext();
  const spec = resolveEnvironmentSpec(app.spec, envSlug);
  const specImage = "image" in spec.source ? spec.source.image : null;
  const [image, setImage] = useState("");
  const [choice, setChoice] = useState<StrategyChoice>("spec");
  const [autoSwitch, setAutoSwitch] = useState(true);
  const [verify, setVerify] = useState("10");
  const [steps, setSteps] = useState<CanaryRow[]>(() => (spec.strategy.type === "canary" ? spec.strategy.steps.map((s) => canaryRow(String(s.weight), s.pause ?? "")) : [canaryRow("10", "30s"), canaryRow("50", "30s")]));
  const [preview, setPreview] = useState<ApplyOutcome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<"preview" | "deploy" | null>(null);
  const stale = () => {
    setPreview(null);
    setError(null);
  };

  function body(dryRun: boolean) {
    const p: Record<string, string> = {};
    const img = image.trim();
    if (img && !ImageReference.safeParse(img).success) p.image = "Not an image reference: registry/path:tag or …@sha256:<64 hex>";
    if (!img && !specImage) p.image = "This app builds from git, which is not available yet: give an image to deploy";
    let strategy: Strategy | undefined;
    if (choice !== "spec") {
      const raw =
        choice === "rolling"
          ? { type: "rolling" }
          : choice === "bluegreen"
            ? { type: "bluegreen", autoSwitch, verifySeconds: Number(verify) }
            : { type: "canary", steps: steps.map((s) => ({ weight: Number(s.weight), ...(s.pause.trim() ? { pause: s.pause.trim() } : {}) })) };
      const r = Strategy.safeParse(raw);
      if (r.success) strategy = r.data;
      else
        for (const i of r.error.issues) {
          const k = i.path[0] === "steps" && typeof i.path[1] === "number" ? `steps.${i.path[1]}` : i.path[0] === "verifySeconds" ? "verify" : "steps";
          if (!(k in p)) p[k] = i.message;
        }
    }
    setProblems(p);
    if (Object.keys(p).length) return null;
    return { ...(img ? { image: img } : {}), ...(strategy ? { strategy } : {}), dryRun };
  }

  async function run(dryRun: boolean) {
    const b = body(dryRun);
    if (!b) return;
    setBusy(dryRun ? "preview" : "deploy");
    setError(null);
    try {
      const out = await api.call("deployApp", { params: { orgId: ctx.orgId ?? "", projectId: app.projectId, environmentId, app: app.name }, body: b });
      if (dryRun) setPreview({ dryRun: true, results: out.preview ?? [] });
      else if (out.release) onRelease(out.release);
    } catch (err) {
      setError(err);
      setPreview(null);
    } finally {
      setBusy(null);
    }
  }

  const changes = preview ? preview.results.filter((r) => r.action !== "unchanged").length : 0;
  return (
    <Dialog
      title={title}
      onClose={onClose}
      className="dialog-xl deploy-dialog"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button onClick={() => void run(true)} busy={busy === "preview"} disabled={busy !== null} variant={preview ? "secondary" : "primary"}>
            {preview ? "Preview again" : "Preview changes"}
          </Button>
          <span className="tip-wrap" title={preview ? undefined : "Preview the changes first"}>
            <Button variant="primary" onClick={() => void run(false)} busy={busy === "deploy"} disabled={busy !== null || !preview} data-testid="deploy-confirm">
              Deploy
            </Button>
          </span>
        </>
      }
    >
      <form
        className="form deploy-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(!preview);
        }}
      >
        <TextField
          label="Image"
          className="input mono"
          placeholder={specImage ?? "registry.example.com/team/app:1.2"}
          value={image}
          onChange={(e) => {
            setImage(e.currentTarget.value);
            stale();
          }}
          error={problems.image}
          hint={specImage ? `Leave empty to deploy the spec's image (${specImage}). Tags are pinned to their digest.` : "The spec builds from git; builds are not available yet."}
        />
        <fieldset className="strategy-choice">
          <legend>Strategy</legend>
          {(
            [
              ["spec", `As in the spec — ${strategyLabel(spec.strategy)}`],
              ["rolling", "Rolling — replace replicas in place"],
              ["bluegreen", "Blue/green — start beside the old version, then switch all traffic"],
              ["canary", "Canary — shift traffic in steps, with pauses and analysis"],
            ] as const
          ).map(([id, label]) => (
            <label key={id} className="choice-row">
              <input
                type="radio"
                name="strategy"
                value={id}
                checked={choice === id}
                onChange={() => {
                  setChoice(id);
                  stale();
                }}
              />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>
        {choice === "bluegreen" ? (
          <div className="form-grid-2">
            <TextField label="Verify for (seconds)" type="number" min={0} max={3600} value={verify} onChange={(e) => setVerify(e.currentTarget.value)} error={problems.verify} />
            <Checkbox label="Switch traffic automatically (else wait for Promote)" checked={autoSwitch} onChange={setAutoSwitch} />
          </div>
        ) : null}
        {choice === "canary" ? (
          <RowList
            name="steps"
            legend="Canary steps"
            hint="Each step sends a share of traffic to the new version, then waits (30s, 5m…, or manual: until Promote). Weights must increase."
            rows={steps}
            onChange={(r) => {
              setSteps(r);
              stale();
            }}
            create={() => canaryRow(String(Math.min(100, Number(steps[steps.length - 1]?.weight ?? 0) + 25)), "30s")}
            addLabel="Add step"
            errors={problems}
            min={1}
            rowLabel="Step"
          >
            {(row, update, i) => (
              <>
                <input className="input" type="number" min={1} max={100} aria-label={`Step ${i + 1} weight (%)`} value={row.weight} onChange={(e) => update({ weight: e.currentTarget.value })} />
                <span className="row-eq" aria-hidden>
                  % then
                </span>
                <input className="input mono" aria-label={`Step ${i + 1} pause`} placeholder="30s or manual" list="pause-choices" value={row.pause} onChange={(e) => update({ pause: e.currentTarget.value })} />
              </>
            )}
          </RowList>
        ) : null}
        <datalist id="pause-choices">
          <option value="30s" />
          <option value="1m" />
          <option value="5m" />
          <option value="manual" />
        </datalist>
        {firstDeploy && choice !== "spec" && choice !== "rolling" ? <Alert kind="info">Nothing serves here yet, so this first deploy rolls out directly; the strategy applies from the next deploy on.</Alert> : null}
        {error ? <Alert kind="error">{errorMessage(error)}</Alert> : null}
        {busy === "preview" ? <Spinner label="Asking the cluster what would change (dry run)…" /> : null}
        {preview ? (
          <div className="deploy-preview" aria-label="What deploying changes">
            <h3 className="yaml-review-title">
              What deploying changes — {changes ? `${changes} object${changes === 1 ? "" : "s"} change` : "nothing changes"}
            </h3>
            <ApplyDiff outcome={preview} />
          </div>
        ) : null}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </form>
    </Dialog>
  );
}

function Progress({ title, app, release, onClose }: { title: string; app: App; release: Release; onClose: () => void }) {
  const ctx = useActionContext();
  const now = useNow(1000);
  const params = { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name, number: release.number };
  const live = useApiQuery("getRelease", { params, query: { environmentId: release.environmentId } }, { refetchInterval: (d) => (d && isSettled(d.state) ? false : 1000) });
  const r = live.data ?? release;
  const envParams = { orgId: ctx.orgId ?? "", projectId: app.projectId, environmentId: r.environmentId, app: app.name };
  const settled = isSettled(r.state);
  return (
    <Dialog
      title={title}
      onClose={onClose}
      className="dialog-xl deploy-dialog"
      footer={
        <>
          {!settled ? (
            <>
              <Button variant="danger" onClick={() => void ctx.run("abortRelease", { params: envParams }, `Aborting release #${r.number}`)}>
                Abort
              </Button>
              <Button disabled={!canPromote(r)} title={canPromote(r) ? undefined : "Promote continues a pause; this release is not waiting"} onClick={() => void ctx.run("promoteRelease", { params: envParams }, `Promoted release #${r.number}`)}>
                Promote
              </Button>
            </>
          ) : null}
          <Button
            onClick={() => {
              onClose();
              ctx.navigate(`/orgs/${ctx.orgId}/apps/${app.projectId}/${app.name}?tab=history&env=${r.environmentSlug}`);
            }}
          >
            Open history
          </Button>
          <Button variant="primary" onClick={onClose} data-autofocus>
            {settled ? "Close" : "Close (keeps running)"}
          </Button>
        </>
      }
    >
      <div className="deploy-progress" data-testid="deploy-progress" data-state={r.state}>
        <div className="title-line">
          <strong>Release #{r.number}</strong>
          <ReleaseStateBadge state={r.state} />
          <code className="mono small">{r.image}</code>
        </div>
        <ReleaseProgress release={r} />
        {r.state === "succeeded" ? <Alert kind="success">Release #{r.number} succeeded: it serves {app.name} in {r.environmentSlug} now.</Alert> : null}
        {settled && r.state !== "succeeded" ? (
          <Alert kind="error">
            Release #{r.number} {releaseStateLabel(r.state)}
            {r.reason ? `: ${r.reason}` : "."}
          </Alert>
        ) : r.reason && !settled ? (
          <Alert kind="info">{r.reason}</Alert>
        ) : null}
        <StepList release={r} now={now} />
        {live.error ? <Alert kind="warning">Lost track of the release: {errorMessage(live.error)}. It keeps running on the server.</Alert> : null}
      </div>
    </Dialog>
  );
}
