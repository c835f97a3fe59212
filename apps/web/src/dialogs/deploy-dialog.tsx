import { type App, type Build, GitRef, ImageReference, type Release, resolveEnvironmentSpec, Strategy } from "@meridian/core";
import { type ReactNode, useState } from "react";
import { useActionContext } from "../actions/action-context";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import { useApiQuery } from "../api/hooks";
import { canPromote, formatDuration, isBuilding, isSettled, releaseStateLabel, shortSha, strategyLabel } from "../apps/status";
import { type ApplyOutcome, ApplyDiff } from "../pages/apply-diff";
import { BuildLog, BuildStateBadge } from "../pages/app-builds";
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
  const [build, setBuild] = useState<Build | null>(null);
  const env = app.environments.find((e) => e.environmentId === environmentId);
  if (!env) {
    return (
      <Dialog title="Deploy" onClose={onClose}>
        <Alert kind="error">This environment no longer exists.</Alert>
      </Dialog>
    );
  }
  const title = `Deploy ${app.name} to ${env.environmentName}`;
  if (build) return <BuildProgress title={title} app={app} build={build} environmentId={environmentId} onClose={onClose} />;
  if (release) return <Progress title={title} app={app} release={release} onClose={onClose} />;
  return <DeployForm title={title} app={app} envSlug={env.environmentSlug} environmentId={environmentId} firstDeploy={!env.current} onRelease={setRelease} onBuild={setBuild} onClose={onClose} />;
}

function DeployForm({
  title,
  app,
  envSlug,
  environmentId,
  firstDeploy,
  onRelease,
  onBuild,
  onClose,
}: {
  title: string;
  app: App;
  envSlug: string;
  environmentId: string;
  firstDeploy: boolean;
  onRelease: (r: Release) => void;
  onBuild: (b: Build) => void;
  onClose: () => void;
}) {
  const ctx = useActionContext();
  const spec = resolveEnvironmentSpec(app.spec, envSlug);
  const specImage = "image" in spec.source ? spec.source.image : null;
  const git = "git" in spec.source ? spec.source.git : null;
  const [image, setImage] = useState("");
  const [ref, setRef] = useState("");
  // A git app without an image given builds first: the server cannot preview that (nothing to diff yet).
  const builds = !!git && image.trim() === "";
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
    const r = ref.trim();
    if (img && r) p.ref = "Give a ref to build or an image to deploy, not both";
    else if (r && !GitRef.safeParse(r).success) p.ref = GitRef.safeParse(r).error?.issues[0]?.message ?? "Not a git ref";
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
    return { ...(img ? { image: img } : {}), ...(builds && r ? { ref: r } : {}), ...(strategy ? { strategy } : {}), dryRun };
  }

  async function run(dryRun: boolean) {
    const b = body(dryRun);
    if (!b) return;
    setBusy(dryRun ? "preview" : "deploy");
    setError(null);
    try {
      const out = await api.call("deployApp", { params: { orgId: ctx.orgId ?? "", projectId: app.projectId, environmentId, app: app.name }, body: b });
      if (dryRun) setPreview({ dryRun: true, results: out.preview ?? [] });
      else if (out.build) onBuild(out.build);
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
          <span className="tip-wrap" title={builds ? "A build has no image to compare yet: give an image to preview" : undefined}>
            <Button onClick={() => void run(true)} busy={busy === "preview"} disabled={busy !== null || builds} variant={preview || builds ? "secondary" : "primary"}>
              {preview ? "Preview again" : "Preview changes"}
            </Button>
          </span>
          <span className="tip-wrap" title={preview || builds ? undefined : "Preview the changes first"}>
            <Button variant="primary" onClick={() => void run(false)} busy={busy === "deploy"} disabled={busy !== null || (!preview && !builds)} data-testid="deploy-confirm">
              {builds ? "Build and deploy" : "Deploy"}
            </Button>
          </span>
        </>
      }
    >
      <form
        className="form deploy-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(!preview && !builds);
        }}
      >
        {git ? (
          <>
            <TextField
              label="Ref"
              className="input mono"
              placeholder={git.ref}
              value={ref}
              disabled={!builds}
              onChange={(e) => {
                setRef(e.currentTarget.value);
                stale();
              }}
              error={problems.ref}
              hint={builds ? `Branch, tag or commit to build; empty builds ${git.ref}. The build runs first (its log shows here), then the release.` : "An image is given: it is deployed as is, nothing is built."}
              data-autofocus
            />
            <p className="small muted">
              Builds need a build engine configured on the server (MERIDIAN_BUILD_REGISTRY, MERIDIAN_BUILD_DOCKER_HOST); without one, Deploy says so.
            </p>
          </>
        ) : null}
        <TextField
          label={git ? "Image (optional, instead of building)" : "Image"}
          className="input mono"
          placeholder={specImage ?? "registry.example.com/team/app:1.2"}
          value={image}
          onChange={(e) => {
            setImage(e.currentTarget.value);
            stale();
          }}
          error={problems.image}
          hint={specImage ? `Leave empty to deploy the spec's image (${specImage}). Tags are pinned to their digest.` : "Deploys an image you built elsewhere instead of building the ref; then Preview shows the diff."}
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
  return (
    <Dialog title={title} onClose={onClose} className="dialog-xl deploy-dialog" footer={<ReleaseFooter app={app} release={r} onClose={onClose} />}>
      <ReleaseBody app={app} release={r} now={now} lost={live.error} />
    </Dialog>
  );
}

/** Abort and promote while the release runs, the history, and close (the release keeps running without the dialog). */
function ReleaseFooter({ app, release: r, onClose, extra }: { app: App; release: Release | null; onClose: () => void; extra?: ReactNode }) {
  const ctx = useActionContext();
  const settled = r ? isSettled(r.state) : false;
  const envParams = r ? { orgId: ctx.orgId ?? "", projectId: app.projectId, environmentId: r.environmentId, app: app.name } : null;
  return (
    <>
      {r && envParams && !settled ? (
        <>
          <Button variant="danger" onClick={() => void ctx.run("abortRelease", { params: envParams }, `Aborting release #${r.number}`)}>
            Abort
          </Button>
          <Button disabled={!canPromote(r)} title={canPromote(r) ? undefined : "Promote continues a pause; this release is not waiting"} onClick={() => void ctx.run("promoteRelease", { params: envParams }, `Promoted release #${r.number}`)}>
            Promote
          </Button>
        </>
      ) : null}
      {extra}
      {r ? (
        <Button
          onClick={() => {
            onClose();
            ctx.navigate(`/orgs/${ctx.orgId}/apps/${app.projectId}/${app.name}?tab=history&env=${r.environmentSlug}`);
          }}
        >
          Open history
        </Button>
      ) : null}
      <Button variant="primary" onClick={onClose} data-autofocus>
        {settled ? "Close" : "Close (keeps running)"}
      </Button>
    </>
  );
}

function ReleaseBody({ app, release: r, now, lost }: { app: App; release: Release; now: number; lost: unknown }) {
  const settled = isSettled(r.state);
  return (
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
      {lost ? <Alert kind="warning">Lost track of the release: {errorMessage(lost)}. It keeps running on the server.</Alert> : null}
    </div>
  );
}

/**
 * A git deploy: the build first (state, its live log), then the release it created for this environment,
 * followed like any other. Closing leaves both running on the server.
 */
function BuildProgress({ title, app, build, environmentId, onClose }: { title: string; app: App; build: Build; environmentId: string; onClose: () => void }) {
  const ctx = useActionContext();
  const now = useNow(1000);
  const base = { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name };
  const live = useApiQuery("getBuild", { params: { ...base, number: build.number } }, { refetchInterval: (d) => (d && !isBuilding(d.state) && d.releases.length > 0) || d?.state === "failed" ? false : 1000 });
  const b = live.data ?? build;
  const made = b.releases.find((r) => r.environmentId === environmentId);
  const rel = useApiQuery(
    "getRelease",
    { params: { ...base, number: made?.number ?? 1 }, query: { environmentId } },
    { enabled: typeof made?.number === "number", refetchInterval: (d) => (d && isSettled(d.state) ? false : 1000) },
  );
  const r = made?.number != null ? (rel.data ?? null) : null;
  const phase = b.state === "failed" ? "failed" : isBuilding(b.state) ? "build" : r ? "release" : made?.error ? "failed" : "creating";
  const openBuild = (
    <Button
      onClick={() => {
        onClose();
        ctx.navigate(`/orgs/${ctx.orgId}/apps/${app.projectId}/${app.name}?tab=builds&build=${b.number}`);
      }}
    >
      Open build
    </Button>
  );
  return (
    <Dialog title={title} onClose={onClose} className="dialog-xl deploy-dialog" footer={<ReleaseFooter app={app} release={r} onClose={onClose} extra={openBuild} />}>
      <div className="build-progress" data-testid="build-progress" data-state={b.state} data-phase={phase}>
        <ol className="deploy-phases" aria-label="Deploy phases">
          <li className={`phase phase-${b.state === "failed" ? "failed" : isBuilding(b.state) ? "running" : "done"}`}>
            <span className="step-icon" aria-hidden>
              {isBuilding(b.state) ? <span className="spinner spinner-inline" /> : b.state === "failed" ? "✕" : "✓"}
            </span>
            <span>
              Build #{b.number} <span className="muted">· {b.state === "queued" ? "queued" : b.state === "running" ? `building ${shortSha(b.commit ?? b.ref)}` : b.state}</span>
            </span>
          </li>
          <li className={`phase phase-${r ? (isSettled(r.state) ? (r.state === "succeeded" ? "done" : "failed") : "running") : made?.error ? "failed" : "pending"}`}>
            <span className="step-icon" aria-hidden>
              {r ? (isSettled(r.state) ? (r.state === "succeeded" ? "✓" : "✕") : <span className="spinner spinner-inline" />) : made?.error ? "✕" : "○"}
            </span>
            <span>{r ? `Release #${r.number}` : "Release"} <span className="muted">· {r ? releaseStateLabel(r.state) : made?.error ? "not created" : "after the build"}</span></span>
          </li>
        </ol>
        <div className="title-line">
          <strong>Build #{b.number}</strong>
          <BuildStateBadge state={b.state} />
          <code className="mono small">{b.ref}</code>
          {b.commit ? <code className="mono small muted">{shortSha(b.commit)}</code> : null}
          {b.startedAt ? <span className="small muted">{formatDuration(b.startedAt, b.finishedAt, now)}</span> : null}
        </div>
        {b.state === "failed" ? <Alert kind="error">Build #{b.number} failed{b.reason ? `: ${b.reason}` : "."} Nothing was deployed.</Alert> : null}
        {made?.error ? <Alert kind="error">The image was built, but the release could not be created: {made.error}</Alert> : null}
        {phase === "creating" ? <Spinner label="Image pushed; creating the release…" /> : null}
        <BuildLog app={app} number={b.number} running={isBuilding(b.state)} />
        {r ? <ReleaseBody app={app} release={r} now={now} lost={rel.error} /> : null}
        {live.error ? <Alert kind="warning">Lost track of the build: {errorMessage(live.error)}. It keeps running on the server.</Alert> : null}
      </div>
    </Dialog>
  );
}
