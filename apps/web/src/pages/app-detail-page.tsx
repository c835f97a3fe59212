import type { App, AppEnvironmentStatus } from "@meridian/core";
import { Link, useNavigate, useParams, useSearch } from "@tanstack/react-router";
import { ActionButton } from "../actions/action-button";
import { appActions, appDocActions } from "../actions/app-catalog";
import { useApiQuery } from "../api/hooks";
import type { AppTab } from "../apps/search";
import { inProgressStep, shortImage, sourceOf } from "../apps/status";
import { PageHeader } from "../resources/resource-list";
import { Alert, Badge, EmptyState, ErrorState, relativeTime, Spinner } from "../ui/feedback";
import { Tabs } from "../ui/tabs";
import { useNow } from "../ui/use-now";
import { AppBuilds } from "./app-builds";
import { AppDomains } from "./app-domains";
import { AppEnvSecrets } from "./app-env-secrets";
import { AppHistory } from "./app-history";
import { AppLogs } from "./app-logs";
import { HealthBadge, ReleaseProgress } from "./app-parts";
import { AppSpecEditor } from "./app-spec";

const allTabs: { id: AppTab; label: string }[] = [
  { id: "overview", label: "Environments" },
  { id: "builds", label: "Builds" },
  { id: "history", label: "History" },
  { id: "logs", label: "Logs" },
  { id: "spec", label: "Spec" },
  { id: "env", label: "Env & secrets" },
  { id: "domains", label: "Domains" },
];

export function AppDetailPage() {
  const { orgId, projectId, app: name } = useParams({ from: "/shell/orgs/$orgId/apps/$projectId/$app" });
  const search = useSearch({ from: "/shell/orgs/$orgId/apps/$projectId/$app" });
  const navigate = useNavigate({ from: "/orgs/$orgId/apps/$projectId/$app" });
  // Status is observed live on every read: faster while a release runs.
  const app = useApiQuery("getApp", { params: { orgId, projectId, app: name } }, { refetchInterval: (d) => (d?.environments.some((e) => e.inProgress) ? 2000 : 10_000) });
  const tab = search.tab ?? "overview";
  const setTab = (t: AppTab) => void navigate({ search: (s) => ({ ...s, tab: t === "overview" ? undefined : t }), replace: true });
  const setEnv = (env: string) => void navigate({ search: (s) => ({ ...s, env }), replace: true });
  const setBuild = (build: number | undefined) => void navigate({ search: (s) => ({ ...s, build }), replace: true });
  if (app.isLoading) return <Spinner label="Loading app…" />;
  if (app.error || !app.data) return <ErrorState error={app.error} onRetry={() => void app.refetch()} />;
  const a = app.data;
  const envSlug = a.environments.some((e) => e.environmentSlug === search.env) ? (search.env as string) : (a.environments.find((e) => e.deployed)?.environmentSlug ?? a.environments[0]?.environmentSlug ?? "");
  const source = sourceOf(a.spec);
  // Builds are a git app's; an app that moved to an image keeps the tab while it is open.
  const tabs = allTabs.filter((t) => t.id !== "builds" || source.kind === "git" || tab === "builds");
  return (
    <section className="app-detail wide-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/orgs/$orgId/apps" params={{ orgId }}>
          Apps
        </Link>
        <span aria-hidden>/</span>
        <Link to="/orgs/$orgId/apps" params={{ orgId }} search={{ project: a.projectId }}>
          {a.projectSlug}
        </Link>
      </nav>
      <PageHeader
        title={a.name}
        description={
          <span className="title-line app-source">
            <Badge tone="accent">{source.kind === "image" ? "image" : "git"}</Badge>
            <code className="mono small" data-testid="app-source">
              {source.text}
            </code>
            {a.description ? <span>· {a.description}</span> : null}
          </span>
        }
        actions={
          <>
            <ActionButton action={appDocActions.export} target={a} />
            <ActionButton action={appDocActions.remove} target={a} variant="ghost" />
          </>
        }
      />
      <Tabs label="App views" tabs={tabs} value={tab} onChange={setTab} />
      <div className="tab-panel" role="tabpanel" aria-label={tabs.find((t) => t.id === tab)?.label}>
        {tab === "overview" ? <Environments app={a} /> : null}
        {tab === "builds" ? <AppBuilds app={a} build={search.build} onBuild={setBuild} /> : null}
        {tab === "history" ? <AppHistory app={a} envSlug={envSlug} onEnv={setEnv} /> : null}
        {tab === "logs" ? <AppLogs app={a} envSlug={envSlug} onEnv={setEnv} /> : null}
        {tab === "spec" ? <AppSpecEditor app={a} /> : null}
        {tab === "env" ? <AppEnvSecrets app={a} /> : null}
        {tab === "domains" ? <AppDomains app={a} /> : null}
      </div>
    </section>
  );
}

function Environments({ app }: { app: App }) {
  if (app.environments.length === 0) return <EmptyState title="This project has no environments" body="Add one on the project's page; apps deploy per environment." />;
  return (
    <ul className="app-env-grid">
      {app.environments.map((e) => (
        <EnvironmentCard key={e.environmentId} app={app} env={e} />
      ))}
    </ul>
  );
}

function EnvironmentCard({ app, env }: { app: App; env: AppEnvironmentStatus }) {
  const { orgId } = useParams({ from: "/shell/orgs/$orgId/apps/$projectId/$app" });
  return (
    <li className={`app-env-card tone-${env.inProgress ? "accent" : env.health === "failed" ? "danger" : "neutral"}`} data-env={env.environmentSlug}>
      <header className="app-env-head">
        <div className="stack">
          <strong className="app-env-name">{env.environmentName}</strong>
          <span className="muted small">
            {env.target ? (
              <>
                <Link to="/orgs/$orgId/clusters/$clusterId" params={{ orgId, clusterId: env.target.clusterSlug }}>
                  {env.target.clusterSlug}
                </Link>{" "}
                / {env.target.namespace} · {env.target.runtime === "swarm" ? "Swarm" : "Kubernetes"}
              </>
            ) : (
              <>
                No cluster bound — <Link to="/orgs/$orgId/clusters" params={{ orgId }}>bind one to {env.environmentSlug}</Link>
              </>
            )}
          </span>
        </div>
        <HealthBadge health={env.health} />
      </header>
      <dl className="app-env-facts">
        <div className="fact-wide">
          <dt>Release</dt>
          <dd data-testid="current-release">{env.current ? <span title={env.current.image}>#{env.current.number} · <code className="mono small">{shortImage(env.current.image)}</code></span> : <span className="muted">none yet</span>}</dd>
        </div>
        <div>
          <dt>Replicas</dt>
          <dd data-testid="replicas">{env.replicas ? `${env.replicas.ready}/${env.replicas.desired} ready` : "—"}</dd>
        </div>
        <div>
          <dt>Deployed</dt>
          <dd>{env.current?.finishedAt ? relativeTime(env.current.finishedAt) : "—"}</dd>
        </div>
        {env.activeSlot ? (
          <div>
            <dt>Slot</dt>
            <dd>{env.activeSlot}</dd>
          </div>
        ) : null}
      </dl>
      {env.routes.length ? (
        <ul className="route-links" aria-label={`Routes in ${env.environmentName}`}>
          {env.routes.map((r) => (
            <li key={r}>
              <a href={r.includes("://") ? r : `http://${r}`} target="_blank" rel="noreferrer" className="mono small">
                {r}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {env.inProgress ? <InProgress app={app} env={env} /> : null}
      <div className="app-env-actions">
        <ActionButton action={appActions.deploy} target={{ app, env }} variant={env.inProgress || !env.target ? "secondary" : "primary"} size="sm" />
        <ActionButton action={appActions.logs} target={{ app, env }} size="sm" variant="ghost" />
      </div>
    </li>
  );
}

/** The environment's running release, polled every second: progress, the current step, promote and abort. */
function InProgress({ app, env }: { app: App; env: AppEnvironmentStatus }) {
  const { orgId } = useParams({ from: "/shell/orgs/$orgId/apps/$projectId/$app" });
  const now = useNow(1000);
  const n = env.inProgress?.number ?? 0;
  const rel = useApiQuery("getRelease", { params: { orgId, projectId: app.projectId, app: app.name, number: n }, query: { environmentId: env.environmentId } }, { refetchInterval: 1000 });
  const r = rel.data;
  const step = r?.steps[r.step];
  const counter = r ? `${Math.min(r.step + 1, r.steps.length)}/${r.steps.length}` : env.inProgress ? inProgressStep(env.inProgress).counter : "";
  return (
    <div className="app-env-progress" data-testid="in-progress" data-release={n}>
      <div className="title-line">
        <strong>Release #{n}</strong>
        <Badge tone={r?.state === "paused" ? "warning" : "accent"}>{r?.state ?? env.inProgress?.state}</Badge>
      </div>
      {r ? <ReleaseProgress release={r} /> : null}
      <p className="small" data-testid="in-progress-step">
        {r?.state === "pending" || (!step && !env.inProgress?.stepName) ? (
          "Waiting to start…"
        ) : (
          <>
            <strong>{step?.name ?? env.inProgress?.stepName}</strong>
            <span className="muted">
              {" "}
              · step {counter}
              {step?.startedAt && step.status === "running" ? ` · ${Math.max(0, Math.round((now - new Date(step.startedAt).getTime()) / 1000))} s` : ""}
            </span>
          </>
        )}
      </p>
      {r?.reason ? <p className="small muted">{r.reason}</p> : null}
      <div className="row-actions">
        <ActionButton action={appActions.promote} target={{ app, env, open: r ?? null }} size="sm" variant="primary" />
        <ActionButton action={appActions.abort} target={{ app, env }} size="sm" />
      </div>
    </div>
  );
}
