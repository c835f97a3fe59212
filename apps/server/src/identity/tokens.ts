import { randomUUID } from "node:crypto";
import { type ApiToken, AppError, type BindingScope, type Scope } from "@meridian/core";
import { buildKeyset, finishPage } from "@meridian/db";
import { scopeColumns, scopeOfRow } from "../access/access-service.js";
import { assertScopeInOrg } from "../access/bindings.js";
import { getRoleRow } from "../access/roles.js";
import type { Handlers } from "../http/context.js";
import { requireAccess, requireActor, requireOrg } from "../http/context.js";
import { assertMayGrant } from "../orgs/members.js";
import { type Authenticator, tokenPrefix } from "./authenticator.js";
import { generateSecret, hashSecret } from "./secrets.js";

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  role_id: string;
  role_name: string;
  scope_kind: string;
  project_id: string | null;
  environment_id: string | null;
  user_id: string;
  owner_name: string;
  expires_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  created_at: string;
}
const tokenSelect = `SELECT t.id, t.name, t.prefix, t.role_id, r.name AS role_name, t.scope_kind, t.project_id, t.environment_id, t.user_id,
  u.username AS owner_name, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at, t.created_at
  FROM api_tokens t JOIN roles r ON r.id = t.role_id JOIN users u ON u.id = t.user_id`;
const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  roleId: r.role_id,
  roleName: r.role_name,
  scope: scopeOfRow(r) as BindingScope,
  ownerId: r.user_id,
  ownerName: r.owner_name,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  lastUsedIp: r.last_used_ip,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

type TokenHandlers = Pick<Handlers, "listTokens" | "createToken" | "revokeToken">;

export function createTokenHandlers(deps: { auth: Authenticator }): TokenHandlers {
  return {
    async listTokens(ctx, { query }) {
      const org = requireOrg(ctx);
      const actor = requireActor(ctx);
      const all = requireAccess(ctx).can("token:read", { kind: "organization" });
      const params: unknown[] = [org.id, all ? null : actor.userId, query.q ? `%${query.q}%` : null];
      const ks = buildKeyset(
        { sortColumns: { name: "t.name", createdAt: "t.created_at", expiresAt: "t.expires_at" }, idColumn: "t.id", sort: query.sort, defaultSort: "-createdAt", cursor: query.cursor, limit: query.limit },
        params,
      );
      const r = await ctx.db.query<TokenRow>(
        `${tokenSelect} WHERE t.org_id = $1 AND ($2::uuid IS NULL OR t.user_id = $2::uuid) AND ($3::text IS NULL OR t.name ILIKE $3)${ks.where}${ks.orderLimit}`,
        params,
      );
      const sortValue = (row: TokenRow) => (ks.sortField === "name" ? row.name : ks.sortField === "expiresAt" ? row.expires_at : row.created_at);
      return finishPage(r.rows, query.limit, sortValue, toToken);
    },
    async createToken(ctx, { body }) {
      const org = requireOrg(ctx);
      const actor = requireActor(ctx);
      const access = requireAccess(ctx);
      const scope = body.scope as Scope;
      await assertScopeInOrg(ctx.db, org.id, scope);
      if (!access.can("token:create", scope)) throw new AppError("forbidden", "you need the token:create permission at that scope");
      const role = await getRoleRow(ctx.db, org.id, body.roleId);
      // A token never carries more than its owner holds (checked again at every use, since access is intersected).
      const missing = access.missing(role.permissions, scope);
      if (missing.length > 0) assertMayGrant(access, role, scope);
      const secret = generateSecret(tokenPrefix);
      const id = randomUUID();
      const expiresAt = new Date(ctx.now.getTime() + body.expiresInDays * 86_400_000);
      await ctx.db.query(
        `INSERT INTO api_tokens (id, org_id, user_id, name, prefix, token_hash, role_id, scope_kind, project_id, environment_id, expires_at, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
        [
          id,
          org.id,
          actor.userId,
          body.name,
          secret.slice(0, 12),
          hashSecret(secret),
          role.id,
          ...scopeColumns(scope),
          expiresAt.toISOString(),
          ctx.now.toISOString(),
        ],
      );
      ctx.audit.target = { type: "token", id, name: body.name };
      ctx.audit.summary = { role: role.slug, scope: body.scope, expiresAt: expiresAt.toISOString() };
      const row = (await ctx.db.query<TokenRow>(`${tokenSelect} WHERE t.id = $1`, [id])).rows[0] as TokenRow;
      return { ...toToken(row), token: secret };
    },
    async revokeToken(ctx, { params }) {
      const org = requireOrg(ctx);
      const actor = requireActor(ctx);
      const row = (await ctx.db.query<TokenRow>(`${tokenSelect} WHERE t.org_id = $1 AND t.id = $2`, [org.id, params.tokenId])).rows[0];
      if (!row) throw new AppError("not_found", "token not found");
      ctx.audit.target = { type: "token", id: row.id, name: row.name };
      ctx.audit.summary = { owner: row.owner_name };
      if (row.user_id !== actor.userId && !requireAccess(ctx).can("token:delete", { kind: "organization" })) {
        throw new AppError("forbidden", "you may revoke only your own tokens without the token:delete permission");
      }
      if (row.revoked_at) throw new AppError("conflict", "the token is already revoked");
      await ctx.db.query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1", [row.id, ctx.now.toISOString()]);
      ctx.afterCommit(() => deps.auth.forgetTokens());
      return { ok: true as const };
    },
  };
}
