import { AppError, permissionCatalog, resourceTypes } from "@meridian/core";
import type { AccessService } from "../access/access-service.js";
import type { Handlers, RequestContext } from "../http/context.js";
import { requireActor } from "../http/context.js";
import { type Authenticator, sessionCookie } from "./authenticator.js";
import type { LoginThrottle } from "./login-throttle.js";
import type { PasswordHasher } from "./secrets.js";
import { findUserByUsername, getUser, listUserOrgIds, toUser, type UserRow } from "./users.js";
import { diff } from "../audit/change-summary.js";

export interface IdentityDeps {
  auth: Authenticator;
  access: AccessService;
  passwords: PasswordHasher;
  throttle: LoginThrottle;
  /** A hash to verify against when the username does not exist, so timing does not reveal which users exist. */
  dummyHash: string;
  cookieSecure: (ctx: RequestContext) => boolean;
}

type IdentityHandlers = Pick<Handlers, "login" | "logout" | "getMe" | "updateMe" | "changePassword" | "listSessions" | "revokeSession" | "listPermissions">;

export function createIdentityHandlers(deps: IdentityDeps): IdentityHandlers {
  return {
    async login(ctx, { body }) {
      const wait = deps.throttle.check(body.username, ctx.ip, ctx.now.getTime());
      ctx.audit.actor = { kind: "anonymous", id: null, name: body.username.slice(0, 64) };
      ctx.audit.target = { type: "user", id: null, name: body.username.slice(0, 64) };
      if (wait > 0) {
        ctx.reply.header("retry-after", String(wait));
        throw new AppError("rate_limited", `too many failed logins; try again in ${wait} s`, { details: { retryAfterSeconds: wait } });
      }
      const user = await findUserByUsername(ctx.db, body.username);
      const ok = await deps.passwords.verify(user?.password_hash ?? deps.dummyHash, body.password);
      if (!user || !ok || user.disabled_at) {
        deps.throttle.recordFailure(body.username, ctx.ip, ctx.now.getTime());
        if (user) ctx.audit.orgIds = await listUserOrgIds(ctx.db, user.id);
        throw new AppError("unauthenticated", "wrong username or password");
      }
      deps.throttle.recordSuccess(body.username, ctx.ip);
      const session = await deps.auth.createSession(ctx.db, user.id, { ip: ctx.ip, userAgent: ctx.userAgent }, ctx.now);
      ctx.audit.actor = { kind: "user", id: user.id, name: user.username };
      ctx.audit.target = { type: "user", id: user.id, name: user.username };
      ctx.audit.summary = { sessionId: session.id };
      ctx.audit.orgIds = await listUserOrgIds(ctx.db, user.id);
      ctx.reply.setCookie(sessionCookie, session.secret, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: deps.cookieSecure(ctx),
        expires: session.expiresAt,
      });
      return { user: toUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },

    async logout(ctx) {
      const actor = requireActor(ctx);
      ctx.audit.target = { type: "user", id: actor.userId, name: actor.username };
      if (actor.kind === "user") {
        await ctx.db.query("UPDATE sessions SET revoked_at = $2 WHERE id = $1", [actor.sessionId, ctx.now.toISOString()]);
        ctx.afterCommit(() => deps.auth.forgetSessions());
      }
      ctx.reply.clearCookie(sessionCookie, { path: "/" });
      return { ok: true as const };
    },

    async getMe(ctx) {
      const actor = requireActor(ctx);
      const user = await getUser(ctx.db, actor.userId);
      const orgs = await ctx.db.query<{ id: string; slug: string; name: string }>(
        `SELECT o.id, o.slug, o.name FROM memberships m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1
           AND ($2::uuid IS NULL OR o.id = $2::uuid) ORDER BY o.name`,
        [actor.userId, actor.kind === "token" ? actor.tokenOrgId : null],
      );
      const organizations = [];
      for (const o of orgs.rows) {
        const access = await deps.access.getAccess({ ...o, auditRetentionDays: null, createdAt: "" }, actor);
        organizations.push({ ...o, roles: access?.roles ?? [] });
      }
      return {
        user: toUser(user),
        organizations,
        csrfToken: actor.kind === "user" ? actor.csrfToken : null,
        authMethod: actor.kind === "user" ? ("session" as const) : ("token" as const),
        tokenOrganizationId: actor.kind === "token" ? actor.tokenOrgId : null,
      };
    },

    async updateMe(ctx, { body }) {
      const actor = requireActor(ctx);
      const before = await getUser(ctx.db, actor.userId);
      const r = await ctx.db.query(
        `UPDATE users SET display_name = coalesce($2, display_name), email = CASE WHEN $3 THEN $4 ELSE email END, updated_at = $5
          WHERE id = $1 RETURNING *`,
        [actor.userId, body.displayName ?? null, body.email !== undefined, body.email ?? null, ctx.now.toISOString()],
      );
      ctx.audit.target = { type: "user", id: actor.userId, name: actor.username };
      ctx.audit.summary = diff({ displayName: before.display_name, email: before.email }, body);
      return toUser(r.rows[0] as UserRow);
    },

    async changePassword(ctx, { body }) {
      const actor = requireActor(ctx);
      const user = await getUser(ctx.db, actor.userId);
      ctx.audit.target = { type: "user", id: user.id, name: user.username };
      if (!(await deps.passwords.verify(user.password_hash, body.currentPassword))) {
        throw new AppError("forbidden", "the current password is wrong");
      }
      const hash = await deps.passwords.hash(body.newPassword);
      await ctx.db.query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", [user.id, hash, ctx.now.toISOString()]);
      // ASVS V7.4.3: other sessions end when a credential changes.
      const keep = actor.kind === "user" ? actor.sessionId : null;
      const r = await ctx.db.query("UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)", [
        user.id,
        keep,
        ctx.now.toISOString(),
      ]);
      ctx.audit.summary = { revokedSessions: r.rowCount ?? 0 };
      ctx.afterCommit(() => deps.auth.forgetSessions());
      return { ok: true as const };
    },

    async listSessions(ctx) {
      const actor = requireActor(ctx);
      const r = await ctx.db.query<{ id: string; created_at: string; last_seen_at: string; expires_at: string; ip: string | null; user_agent: string | null }>(
        `SELECT id, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
          WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_seen_at DESC LIMIT 200`,
        [actor.userId, ctx.now.toISOString()],
      );
      return {
        items: r.rows.map((s) => ({
          id: s.id,
          createdAt: s.created_at,
          lastSeenAt: s.last_seen_at,
          expiresAt: s.expires_at,
          ip: s.ip,
          userAgent: s.user_agent,
          current: actor.kind === "user" && actor.sessionId === s.id,
        })),
      };
    },

    async revokeSession(ctx, { params }) {
      const actor = requireActor(ctx);
      ctx.audit.target = { type: "session", id: params.sessionId, name: null };
      const r = await ctx.db.query("UPDATE sessions SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL", [
        params.sessionId,
        actor.userId,
        ctx.now.toISOString(),
      ]);
      if (r.rowCount === 0) throw new AppError("not_found", "session not found");
      ctx.afterCommit(() => deps.auth.forgetSessions());
      return { ok: true as const };
    },

    async listPermissions() {

      return { items: resourceTypes.map((r) => ({ resource: r, actions: [...permissionCatalog[r]] })) };
    },
  };
}
