import type { AppEnvironmentStatus, Release } from "@meridian/core";
import { envChipText, formatDuration, healthLabel, healthTone, inProgressStep, releaseProgress, releaseStateLabel, releaseTone, stepIcon } from "../apps/status";
import { Badge, formatShortTime } from "../ui/feedback";

/** One environment of an app in a line: health dot, name, release and replicas (and a running release's step). */
export function EnvChip({ env }: { env: AppEnvironmentStatus }) {
  const tone = env.inProgress ? "accent" : healthTone[env.health];
  const step = env.inProgress ? inProgressStep(env.inProgress) : null;
  const title = `${env.environmentName}: ${healthLabel[env.health]}${env.target ? ` on ${env.target.clusterSlug}/${env.target.namespace}` : ", no cluster bound"}${step ? ` · release #${env.inProgress?.number}: ${step.name}, step ${step.counter}` : ""}`;
  return (
    <span className={`env-chip tone-${tone}`} title={title} data-env={env.environmentSlug} data-health={env.health}>
      <span className={`dot dot-${tone}`} aria-hidden />
      <span className="env-chip-name">{env.environmentSlug}</span>
      <span className="env-chip-text">{envChipText(env)}</span>
      {step?.counter && env.inProgress?.stepName ? <span className="env-chip-counter">{step.counter}</span> : null}
    </span>
  );
}

export function HealthBadge({ health }: { health: AppEnvironmentStatus["health"] }) {
  return <Badge tone={healthTone[health]}>{healthLabel[health]}</Badge>;
}

export function ReleaseStateBadge({ state }: { state: Release["state"] }) {
  return (
    <span data-state={state}>
      <Badge tone={releaseTone[state]}>{releaseStateLabel(state)}</Badge>
    </span>
  );
}

/** A bar of steps finished of all, labelled with the numbers (a real progress indicator, not a spinner). */
export function ReleaseProgress({ release }: { release: Release }) {
  const p = releaseProgress(release);
  const tone = release.state === "failed" ? "danger" : release.state === "succeeded" ? "success" : release.state === "paused" ? "warning" : "accent";
  return (
    <div className="release-progress">
      <div className="meter-track" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done} aria-label={`Release #${release.number}: ${p.done} of ${p.total} steps`}>
        <div className={`meter-fill meter-${tone === "danger" ? "danger" : tone === "warning" ? "warning" : "ok"}`} style={{ width: `${p.percent}%` }} />
      </div>
      <span className="small muted nowrap">
        {p.done}/{p.total} steps
      </span>
    </div>
  );
}

/** A release's steps with their status, times and messages. */
export function StepList({ release, now }: { release: Release; now: number }) {
  return (
    <ol className="step-list" aria-label={`Steps of release #${release.number}`}>
      {release.steps.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional
        <li key={i} className={`step step-${s.status}`} data-step={s.kind} data-status={s.status}>
          <span className="step-icon" aria-hidden>
            {s.status === "running" ? <span className="spinner spinner-inline" /> : stepIcon[s.status]}
          </span>
          <span className="step-name">
            {s.name}
            <span className="visually-hidden"> ({s.status})</span>
          </span>
          <span className="step-time small muted">
            {s.startedAt ? formatShortTime(s.startedAt) : ""}
            {s.startedAt ? ` · ${formatDuration(s.startedAt, s.finishedAt, now)}` : ""}
          </span>
          {s.message ? <span className="step-message small">{s.message}</span> : null}
        </li>
      ))}
    </ol>
  );
}

/** Analysis gate results of a release: each check against its threshold. */
export function AnalysisTable({ results }: { results: Release["analysis"] }) {
  if (results.length === 0) return <p className="muted small">No analysis ran for this release (it runs during canary pauses when the spec sets analysis).</p>;
  return (
    <div className="table-wrap">
      <table className="table responsive" aria-label="Analysis results">
        <thead>
          <tr>
            <th>Time</th>
            <th>Step</th>
            <th>Check</th>
            <th>Value</th>
            <th>Threshold</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {results.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: results are a log, in order
            <tr key={i}>
              <td data-label="Time" className="nowrap">
                {formatShortTime(a.at)}
              </td>
              <td data-label="Step">{a.step + 1}</td>
              <td data-label="Check">{a.check}</td>
              <td data-label="Value" className="mono">
                {a.value === null ? "—" : a.value}
              </td>
              <td data-label="Threshold" className="mono">
                {a.threshold}
              </td>
              <td data-label="Result" className="cell-wrap">
                <Badge tone={a.ok ? "success" : "danger"}>{a.ok ? "pass" : "fail"}</Badge> {a.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
