import type { Environment, Project } from "@meridian/core";
import { Link, useParams } from "@tanstack/react-router";
import { ActionButton } from "../actions/action-button";
import { useActionContext } from "../actions/action-context";
import { environmentActions, projectActions } from "../actions/catalog";
import type { Action } from "../actions/registry";
import { useApiQuery } from "../api/hooks";
import { PageHeader } from "../resources/resource-list";
import { ProjectAccess } from "./project-access";
import { Badge, EmptyState, ErrorState, formatTime, Spinner } from "../ui/feedback";

const addEnvironment: Action<{ nextPosition: number; project: Project }> = {
  id: "environment.create",
  label: "Add environment",
  section: "Environments",
  perform: (ctx, t) => ctx.open({ kind: "add-environment", project: t.project, nextPosition: t.nextPosition }),
};


export function ProjectDetailPage() {
  const { orgId, projectId } = useParams({ from: "/shell/orgs/$orgId/projects/$projectId" });
  const ctx = useActionContext();
  const project = useApiQuery("getProject", { params: { orgId, projectId } });
  const envs = useApiQuery("listEnvironments", { params: { orgId, projectId } });
  const teams = useApiQuery("listTeams", { params: { orgId }, query: { limit: 500 } }, { enabled: ctx.can("team:read") });
  if (project.isLoading) return <Spinner />;
  if (project.error || !project.data) return <ErrorState error={project.error} onRetry={() => void project.refetch()} />;
  const p = project.data;
  const items = [...(envs.data?.items ?? [])].sort((a, b) => a.position - b.position);
  const team = teams.data?.items.find((t) => t.id === p.teamId);
  const nextPosition = items.length ? Math.max(...items.map((e) => e.position)) + 1 : 0;
  return (
    <section>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/orgs/$orgId/projects" params={{ orgId }}>
          Projects
        </Link>
        <span aria-hidden>/</span>
        <span>{p.name}</span>
      </nav>
      <PageHeader
        title={p.name}
        description={p.description || "No description."}
        actions={
          <>
            <ActionButton action={projectActions.edit} target={p} />
            <ActionButton action={projectActions.remove} target={p} />
          </>
        }
      />
      <dl className="facts">
        <div>
          <dt>Slug</dt>
          <dd>
            <code>{p.slug}</code>
          </dd>
        </div>
        <div>
          <dt>Team</dt>
          <dd>{p.teamId ? (team?.name ?? "…") : "No team"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTime(p.createdAt)}</dd>
        </div>
      </dl>
      <div className="section-head">
        <h2>Environments</h2>
        <ActionButton action={addEnvironment} target={{ project: p, nextPosition }} variant="primary" />
      </div>
      {envs.isLoading ? <Spinner /> : null}
      {envs.error ? <ErrorState error={envs.error} onRetry={() => void envs.refetch()} /> : null}
      {envs.data && items.length === 0 ? (
        <EmptyState title="No environments yet" body="Add dev, staging or prod." action={<ActionButton action={addEnvironment} target={{ project: p, nextPosition }} variant="primary" />} />
      ) : null}
      <ol className="env-list">
        {items.map((e, i) => (
          <EnvironmentRow key={e.id} env={e} order={i + 1} list={items} />
        ))}
      </ol>
      <ProjectAccess project={p} />
    </section>
  );
}

function EnvironmentRow({ env, order, list }: { env: Environment; order: number; list: Environment[] }) {
  return (
    <li className="env-row" data-env={env.slug}>
      <div className="env-main">
        <span className="env-pos" title={`Position ${env.position}`}>
          {order}
        </span>
        <div className="stack">
          <strong>
            {env.name} {env.protected ? <Badge tone="warning">protected</Badge> : null}
          </strong>
          <code className="muted small">{env.slug}</code>
        </div>
      </div>
      <div className="row-actions">
        <ActionButton action={environmentActions.move} target={{ env, list, delta: -1 }} size="sm" label="↑" />
        <ActionButton action={environmentActions.move} target={{ env, list, delta: 1 }} size="sm" label="↓" />
        <ActionButton action={environmentActions.rename} target={{ env }} size="sm" />
        <ActionButton action={environmentActions.protect} target={{ env }} size="sm" />
        <ActionButton action={environmentActions.grant} target={{ env }} size="sm" />
        <ActionButton action={environmentActions.remove} target={{ env }} size="sm" variant="ghost" />
      </div>
    </li>
  );
}
