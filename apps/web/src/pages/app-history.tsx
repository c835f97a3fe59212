import type { App, Release } from "@meridian/core";
import { useState } from "react";
import { ActionButton } from "../actions/action-button";
import { releaseActions } from "../actions/app-catalog";
import { useActionContext } from "../actions/action-context";
import { flattenPages, useApiInfinite } from "../api/hooks";
import { formatDuration, isOpen, releaseTone, shortImage, strategyLabel } from "../apps/status";
import { Button } from "../ui/button";
import { Badge, EmptyState, ErrorState, formatTime, relativeTime, Spinner } from "../ui/feedback";
import { useNow } from "../ui/use-now";
import { AnalysisTable, ReleaseProgress, ReleaseStateBadge, StepList } from "./app-parts";

/** Environment chooser shared by the history and logs tabs (a select: many projects have more than three). */
export function EnvPicker({ app, value, onChange }: { app: App; value: string; onChange: (slug: string) => void }) {
  return (
    <label className="inline-field">
      <span>Environment</span>
      <select className="input" value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-label="Environment">
        {app.environments.map((e) => (
          <option key={e.environmentId} value={e.environmentSlug}>
            {e.environmentName}
            {e.deployed ? "" : " (not deployed)"}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Releases of one environment, newest first, as a timeline; open ones refresh every second and a half. */
export function AppHistory({ app, envSlug, onEnv }: { app: App; envSlug: string; onEnv: (slug: string) => void }) {
  const ctx = useActionContext();
  const env = app.environments.find((e) => e.environmentSlug === envSlug);
  const list = useApiInfinite(
    "listReleases",
    { params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name }, query: { limit: 25, ...(env ? { environmentId: env.environmentId } : {}) } },
    { enabled: !!env, refetchInterval: env?.inProgress ? 1500 : 15_000 },
  );
  const releases = flattenPages(list.data);
  const now = useNow(releases.some((r) => isOpen(r.state)) ? 1000 : 30_000);
  const current = releases.find((r) => r.number === env?.current?.number);
  const serving = current ? [current.number, ...(current.rollbackOf !== null ? [current.rollbackOf] : [])] : [];
  if (!env) return <EmptyState title="This project has no environments" />;
  return (
    <div className="app-history">
      <div className="toolbar">
        <EnvPicker app={app} value={envSlug} onChange={onEnv} />
        <span className="toolbar-note muted small">{env.current ? `Serving release #${env.current.number}` : "Nothing serving yet"}</span>
      </div>
      {list.isLoading ? <Spinner label="Loading releases…" /> : null}
      {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && releases.length === 0 ? <EmptyState title={`No releases in ${env.environmentName} yet`} body="Each deploy and rollback creates a numbered release; they show up here with their steps." /> : null}
      <ol className="timeline" aria-label={`Releases in ${env.environmentName}`}>
        {releases.map((r) => (
          <ReleaseItem key={r.id} app={app} release={r} serving={serving} now={now} />
        ))}
      </ol>
      {list.hasNextPage ? (
        <div className="load-more">
          <Button onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
            Older releases
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function ReleaseItem({ app, release: r, serving, now }: { app: App; release: Release; serving: readonly number[]; now: number }) {
  const [open, setOpen] = useState<boolean | null>(null);
  const expanded = open ?? isOpen(r.state);
  const id = `release-${r.id}`;
  const isServing = r.number === serving[0];
  return (
    <li className={`timeline-item tone-${releaseTone[r.state]}`} data-release={r.number} data-state={r.state}>
      <span className="timeline-dot" aria-hidden />
      <div className="timeline-body">
        <div className="timeline-head">
          <button type="button" className="release-toggle" aria-expanded={expanded} aria-controls={id} onClick={() => setOpen(!expanded)}>
            <span aria-hidden className="caret">
              {expanded ? "▾" : "▸"}
            </span>
            <strong>#{r.number}</strong>
          </button>
          {r.kind === "rollback" ? <Badge tone="warning">rollback to #{r.rollbackOf}</Badge> : null}
          <code className="mono small" title={r.image}>
            {shortImage(r.image)}
          </code>
          <span className="small muted">{strategyLabel(r.strategy)}</span>
          <ReleaseStateBadge state={r.state} />
          {isServing ? <Badge tone="success">serving</Badge> : null}
          <span className="timeline-actions">
            {r.state === "succeeded" && !serving.includes(r.number) ? <ActionButton action={releaseActions.rollback} target={{ app, release: r, serving }} size="sm" /> : null}
          </span>
        </div>
        <div className="small muted">
          by {r.createdBy} · <span title={formatTime(r.createdAt)}>{relativeTime(r.createdAt)}</span>
          {r.startedAt ? ` · took ${formatDuration(r.startedAt, r.finishedAt, now)}${r.finishedAt ? "" : " so far"}` : ""}
        </div>
        {r.reason ? <p className={`release-reason small ${r.state === "failed" ? "text-danger" : ""}`}>{r.reason}</p> : null}
        {isOpen(r.state) ? <ReleaseProgress release={r} /> : null}
        {expanded ? (
          <div id={id} className="release-details">
            <StepList release={r} now={now} />
            <h4 className="section-title">Analysis</h4>
            <AnalysisTable results={r.analysis} />
            {Object.keys(r.secretVersions).length ? (
              <p className="small muted">
                Secrets pinned:{" "}
                {Object.entries(r.secretVersions)
                  .map(([k, v]) => `${k} v${v}`)
                  .join(", ")}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
    </li>
  );
}
