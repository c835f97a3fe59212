import type { Handlers, RequestContext } from "../http/context.js";
import { requireAccess, requireActor, requireOrg } from "../http/context.js";
import type { Envelope } from "../secrets/envelope.js";
import { deleteSecret, listSecretRows, putSecret, type SecretRow, type SecretScope } from "./secret-store.js";

type SecretHandlers = Pick<
  Handlers,
  "listOrgSecrets" | "putOrgSecret" | "deleteOrgSecret" | "listProjectSecrets" | "putProjectSecret" | "deleteProjectSecret" | "listEnvironmentSecrets" | "putEnvironmentSecret" | "deleteEnvironmentSecret"
>;

const toSecret = (r: SecretRow) => ({
  name: r.name,
  scope: r.environment_id ? ("environment" as const) : r.project_id ? ("project" as const) : ("organization" as const),
  projectId: r.project_id,
  environmentId: r.environment_id,
  version: r.version,
  versions: r.versions,
  createdAt: r.created_at,
  createdBy: r.created_by_name ?? "",
});

export function createSecretHandlers(deps: { envelope: Envelope }): SecretHandlers {
  const list = async (ctx: RequestContext, scope: SecretScope) => ({ items: (await listSecretRows(ctx.db, requireOrg(ctx).id, scope)).map(toSecret) });
  const put = async (ctx: RequestContext, scope: SecretScope, name: string, value: string) => {
    const org = requireOrg(ctx);
    const row = await putSecret(ctx.db, deps.envelope, org.id, scope, name, value, requireActor(ctx).userId, ctx.now);
    ctx.audit.target = { type: "secret", id: row.id, name };
    // Never the value: only where it lives and which version this write made.
    ctx.audit.summary = { scope: toSecret(row).scope, projectId: scope.projectId, environmentId: scope.environmentId, version: row.version };
    return toSecret(row);
  };
  const remove = async (ctx: RequestContext, scope: SecretScope, name: string) => {
    const n = await deleteSecret(ctx.db, requireOrg(ctx).id, scope, name);
    ctx.audit.target = { type: "secret", id: null, name };
    ctx.audit.summary = { projectId: scope.projectId, environmentId: scope.environmentId, versions: n };
    return { ok: true as const };
  };
  return {
    listOrgSecrets: (ctx) => list(ctx, { projectId: null, environmentId: null }),
    putOrgSecret: (ctx, { params, body }) => put(ctx, { projectId: null, environmentId: null }, params.name, body.value),
    deleteOrgSecret: (ctx, { params }) => remove(ctx, { projectId: null, environmentId: null }, params.name),
    async listProjectSecrets(ctx, { params }) {
      const own = await list(ctx, { projectId: params.projectId, environmentId: null });
      // Environment secrets of the project that the caller may read are listed with it.
      const envs = await ctx.db.query<{ id: string }>("SELECT id FROM environments WHERE project_id = $1 ORDER BY position", [params.projectId]);
      const access = requireAccess(ctx);
      for (const e of envs.rows) {
        if (!access.can("secret:read", { kind: "environment", projectId: params.projectId, environmentId: e.id })) continue;
        own.items.push(...(await list(ctx, { projectId: params.projectId, environmentId: e.id })).items);
      }
      return own;
    },
    putProjectSecret: (ctx, { params, body }) => put(ctx, { projectId: params.projectId, environmentId: null }, params.name, body.value),
    deleteProjectSecret: (ctx, { params }) => remove(ctx, { projectId: params.projectId, environmentId: null }, params.name),
    listEnvironmentSecrets: (ctx, { params }) => list(ctx, { projectId: params.projectId, environmentId: params.environmentId }),
    putEnvironmentSecret: (ctx, { params, body }) => put(ctx, { projectId: params.projectId, environmentId: params.environmentId }, params.name, body.value),
    deleteEnvironmentSecret: (ctx, { params }) => remove(ctx, { projectId: params.projectId, environmentId: params.environmentId }, params.name),
  };
}
