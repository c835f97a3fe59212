import { type App, type Build, isAppError } from "@meridian/core";
import { Link, useParams } from "@tanstack/react-router";
import { useActionContext } from "../actions/action-context";
import { useApiQuery } from "../api/hooks";
import { buildTone, formatDuration, isBuilding, shortImage, shortSha } from "../apps/status";
import { Button } from "../ui/button";
import { Alert, Badge, CopyField, EmptyState, ErrorState, formatTime, relativeTime, Spinner } from "../ui/feedback";
import { useNow } from "../ui/use-now";
import { LogPanel } from "./log-view";

/**
 * Builds of a git app, newest first: what was built (ref, commit), by whom or which push, and the releases
 * each created. One build opens below the list with its live log. The push webhook is set up here too.
 */
export function AppBuilds({ app, build, onBuild }: { app: App; build: number | undefined; onBuild: (n: number | undefined) => void }) {
  const ctx = useActionContext();
  const params = { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name };
  const list = useApiQuery("listBuilds", { params }, { refetchInterval: (d) => (d?.items.some((b) => isBuilding(b.state)) ? 1500 : 15_000) });
  const items = list.data?.items ?? [];
  const now = useNow(items.some((b) => isBuilding(b.state)) ? 1000 : 30_000);
  const selected = build ?? undefined;
  return (
    <div className="app-builds">
      {selected !== undefined ? <BuildDetail app={app} number={selected} onClose={() => onBuild(undefined)} /> : null}
      <section className="card app-section" aria-labelledby="builds-title">
        <div className="section-head">
          <h2 id="builds-title">Builds</h2>
          <span className="small muted">Each deploy of a git app builds its ref first; a push webhook builds each push.</span>
        </div>
        {list.isLoading ? <Spinner label="Loading builds…" /> : null}
        {list.error ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data && items.length === 0 ? (
          <EmptyState title="No builds yet" body="Deploy the app to an environment: Meridian clones the repository, builds its Dockerfile, pushes the image and then releases it." />
        ) : null}
        {items.length ? (
          <div className="table-wrap">
            <table className="table responsive builds-table" aria-label="Builds">
              <thead>
                <tr>
                  <th>Build</th>
                  <th>Ref</th>
                  <th>Commit</th>
                  <th>State</th>
                  <th>Trigger</th>
                  <th>When</th>
                  <th>Releases</th>
                </tr>
              </thead>
              <tbody>
                {items.map((b) => (
                  <tr key={b.id} data-build={b.number} data-state={b.state} className={b.number === selected ? "row-selected" : undefined}>
                    <td data-label="Build">
                      <button type="button" className="link-button strong-link" aria-pressed={b.number === selected} onClick={() => onBuild(b.number === selected ? undefined : b.number)}>
                        #{b.number}
                      </button>
                    </td>
                    <td data-label="Ref" className="mono small cell-wrap">
                      {shortSha(b.ref)}
                    </td>
                    <td data-label="Commit" className="mono small" title={b.commit ?? undefined}>
                      {b.commit ? shortSha(b.commit) : <span className="muted">—</span>}
                    </td>
                    <td data-label="State">
                      <BuildStateBadge state={b.state} />
                    </td>
                    <td data-label="Trigger" className="small">
                      {b.trigger === "webhook" ? "push" : "manual"}
                      <span className="muted"> · {b.createdBy}</span>
                    </td>
                    <td data-label="When" className="small nowrap">
                      <span title={formatTime(b.createdAt)}>{relativeTime(b.createdAt)}</span>
                      {b.startedAt ? <span className="muted"> · {formatDuration(b.startedAt, b.finishedAt, now)}</span> : null}
                    </td>
                    <td data-label="Releases" className="small">
                      <BuildReleases app={app} build={b} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <WebhookSection app={app} />
    </div>
  );
}

export function BuildStateBadge({ state }: { state: Build["state"] }) {
  return (
    <span data-state={state} className="build-state">
      <Badge tone={buildTone[state]}>
        {state === "running" ? <span className="spinner spinner-inline" aria-hidden /> : null}
        {state}
      </Badge>
    </span>
  );
}

/** The releases a build created, each a link to its environment's history (or the reason it could not be created). */
export function BuildReleases({ app, build }: { app: App; build: Build }) {
  const { orgId } = useParams({ strict: false }) as { orgId: string };
  if (build.releases.length === 0) return <span className="muted">{isBuilding(build.state) ? "after the build" : "none"}</span>;
  return (
    <ul className="build-releases">
      {build.releases.map((r) => {
        const env = app.environments.find((e) => e.environmentId === r.environmentId);
        return (
          <li key={r.environmentId}>
            {r.number !== null ? (
              <Link to="/orgs/$orgId/apps/$projectId/$app" params={{ orgId, projectId: app.projectId, app: app.name }} search={{ tab: "history", env: env?.environmentSlug }}>
                #{r.number} in {env?.environmentName ?? "an environment"}
              </Link>
            ) : (
              <span className="text-danger" title={r.error ?? undefined}>
                {env?.environmentName ?? "environment"}: {r.error ?? "no release"}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** One build: its facts, why it failed, the releases it made, and its log (followed while it runs). */
function BuildDetail({ app, number, onClose }: { app: App; number: number; onClose: () => void }) {
  const ctx = useActionContext();
  const params = { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name, number };
  const q = useApiQuery("getBuild", { params }, { refetchInterval: (d) => (d && !isBuilding(d.state) ? false : 1000) });
  const now = useNow(1000);
  const b = q.data;
  return (
    <section className="card app-section build-detail" aria-label={`Build #${number}`} data-testid="build-detail" data-state={b?.state}>
      <div className="section-head">
        <h2 className="title-line">
          Build #{number} {b ? <BuildStateBadge state={b.state} /> : null}
        </h2>
        <Button size="sm" variant="ghost" onClick={onClose} aria-label={`Close build #${number}`}>
          Close
        </Button>
      </div>
      {q.isLoading ? <Spinner label="Loading the build…" /> : null}
      {q.error ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : null}
      {b ? <BuildFacts app={app} build={b} now={now} /> : null}
      <BuildLog app={app} number={number} running={b ? isBuilding(b.state) : true} />
    </section>
  );
}

export function BuildFacts({ app, build: b, now }: { app: App; build: Build; now: number }) {
  return (
    <>
      <dl className="build-facts small">
        <div>
          <dt>Ref</dt>
          <dd className="mono">{b.ref}</dd>
        </div>
        <div>
          <dt>Commit</dt>
          <dd className="mono" title={b.commit ?? undefined}>
            {b.commit ? shortSha(b.commit) : "—"}
          </dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>
            {b.trigger === "webhook" ? "push webhook" : "manual"} · {b.createdBy}
          </dd>
        </div>
        <div>
          <dt>{b.finishedAt ? "Took" : "Running for"}</dt>
          <dd>{b.startedAt ? formatDuration(b.startedAt, b.finishedAt, now) : "queued"}</dd>
        </div>
        <div className="fact-wide">
          <dt>Image</dt>
          <dd className="mono" title={b.image && b.digest ? `${b.image}@${b.digest}` : (b.image ?? undefined)}>
            {b.image ? shortImage(b.digest ? `${b.image.replace(/:[^/:]*$/, "")}@${b.digest}` : b.image) : "—"}
          </dd>
        </div>
        <div className="fact-wide">
          <dt>Releases</dt>
          <dd>
            <BuildReleases app={app} build={b} />
          </dd>
        </div>
      </dl>
      {b.state === "failed" && b.reason ? <Alert kind="error">Build #{b.number} failed: {b.reason}</Alert> : b.reason ? <p className="small muted">{b.reason}</p> : null}
    </>
  );
}

/** A build's log as it is written (follow=true streams until the build ends), in the shared log view. */
export function BuildLog({ app, number, running }: { app: App; number: number; running: boolean }) {
  const ctx = useActionContext();
  return (
    <LogPanel
      key={number}
      name={`build #${number}`}
      windowed={false}
      className="build-log"
      endedText={running ? "Stream ended" : "End of the build's log"}
      request={(o) => ({
        route: "streamBuildLogs",
        input: { params: { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name, number }, query: { follow: o.follow ? "true" : "false" } },
      })}
    />
  );
}

/** The push webhook: its URL and environments, create / rotate (the secret shows once, in the dialog), remove. */
function WebhookSection({ app }: { app: App }) {
  const ctx = useActionContext();
  const params = { orgId: ctx.orgId ?? "", projectId: app.projectId, app: app.name };
  const hook = useApiQuery("getAppWebhook", { params });
  const none = isAppError(hook.error) && hook.error.code === "not_found";
  const info = hook.data;
  const envNames = (ids: string[]) => ids.map((id) => app.environments.find((e) => e.environmentId === id)?.environmentName ?? "a removed environment").join(", ");
  const branch = "git" in app.spec.source ? app.spec.source.git.ref : "";
  const defaults = app.environments.filter((e) => e.target).slice(0, 1).map((e) => e.environmentId);
  return (
    <section className="card app-section" aria-labelledby="webhook-title" data-testid="webhook">
      <div className="section-head">
        <h2 id="webhook-title">Push webhook</h2>
        {info ? (
          <div className="row-actions">
            <Button size="sm" onClick={() => ctx.open({ kind: "app-webhook", app, environments: info.environments, rotate: true })}>
              Change / rotate secret…
            </Button>
            <Button
              size="sm"
              variant="ghost"
              className="btn-danger-text"
              onClick={async () => {
                if (!(await ctx.confirm(`Remove the push webhook of ${app.name}? Pushes stop building until you create a new one (with a new secret).`, { confirmLabel: "Remove webhook", danger: true }))) return;
                await ctx.run("deleteAppWebhook", { params }, "Removed the push webhook");
              }}
            >
              Remove
            </Button>
          </div>
        ) : null}
      </div>
      {hook.isLoading ? <Spinner label="Loading…" /> : null}
      {hook.error && !none ? <ErrorState error={hook.error} onRetry={() => void hook.refetch()} /> : null}
      {none ? (
        <div className="webhook-none">
          <p className="small muted">
            No webhook yet. With one, each push to <code>{branch}</code> builds that commit and deploys it to the environments you choose — point your git host's push webhook at
            Meridian.
          </p>
          <Button variant="primary" onClick={() => ctx.open({ kind: "app-webhook", app, environments: defaults, rotate: false })}>
            Create webhook…
          </Button>
        </div>
      ) : null}
      {info ? (
        <dl className="build-facts small">
          <div className="fact-wide">
            <dt>Payload URL</dt>
            <dd>
              <CopyField label="Webhook URL" value={info.url} />
            </dd>
          </div>
          <div>
            <dt>Builds pushes to</dt>
            <dd className="mono">{branch}</dd>
          </div>
          <div>
            <dt>Deploys to</dt>
            <dd data-testid="webhook-environments">{envNames(info.environments)}</dd>
          </div>
          <div>
            <dt>Secret</dt>
            <dd>set {relativeTime(info.createdAt)} · not shown again</dd>
          </div>
        </dl>
      ) : null}
      {info ? <p className="small muted">Lost the secret? Rotate it and paste the new one into the git host: the old one stops working at once.</p> : null}
      {!("git" in app.spec.source) ? <Alert kind="info">This app runs an image: a webhook needs a git source.</Alert> : null}
    </section>
  );
}
