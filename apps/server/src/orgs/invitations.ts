import { randomUUID } from "node:crypto";
import { AppError, type Invitation } from "@meridian/core";
import { buildKeyset, finishPage } from "@meridian/db";
import type { AccessService } from "../access/access-service.js";
import { getRoleRow } from "../access/roles.js";
import type { Handlers, RequestContext } from "../http/context.js";
import { requireAccess, requireOrg } from "../http/context.js";
import { type PasswordHasher, generateSecret, hashSecret } from "../identity/secrets.js";
import { createUser } from "../identity/users.js";
import type { Mailer } from "./mailer.js";

interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role_id: string;
  role_name: string;
  team_ids: string[];
  invited_by_name: string | null;
  expires_at: string;
  accepted_at: string | null;
  accepted_by_name: string | null;
  revoked_at: string | null;
  created_at: string;
}
const invitationSelect = `SELECT i.id, i.org_id, i.email, i.role_id, r.name AS role_name, i.team_ids, i.expires_at, i.accepted_at, i.revoked_at, i.created_at,
  (SELECT username FROM users WHERE id = i.invited_by) AS invited_by_name, (SELECT username FROM users WHERE id = i.accepted_by) AS accepted_by_name
  FROM invitations i JOIN roles r ON r.id = i.role_id`;

function statusOf(r: InvitationRow, now: Date): Invitation["status"] {
  if (r.accepted_at) return "accepted";
  if (r.revoked_at) return "revoked";
  if (Date.parse(r.expires_at) <= now.getTime()) return "expired";
  return "pending";
}
const toInvitation = (r: InvitationRow, now: Date): Invitation => ({
  id: r.id,
  email: r.email,
  roleId: r.role_id,
  roleName: r.role_name,
  teamIds: r.team_ids,
  status: statusOf(r, now),
  invitedBy: r.invited_by_name ?? "(deleted user)",
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  acceptedBy: r.accepted_by_name,
});

export interface InvitationDeps {
  access: AccessService;
  mailer: Mailer | null;
  passwords: PasswordHasher;
  /** The origin people open links at: configured, or taken from the request. */
  publicUrl(ctx: RequestContext): string;
}

type InvitationHandlers = Pick<Handlers, "listInvitations" | "createInvitation" | "revokeInvitation" | "previewInvitation" | "acceptInvitation">;

export function createInvitationHandlers(deps: InvitationDeps): InvitationHandlers {
  async function findByToken(ctx: RequestContext, token: string): Promise<InvitationRow & { org_slug: string; org_name: string }> {
    const r = await ctx.db.query<InvitationRow & { org_slug: string; org_name: string }>(
      `SELECT x.*, o.slug AS org_slug, o.name AS org_name FROM (${invitationSelect} WHERE i.token_hash = $1) x JOIN organizations o ON o.id = x.org_id`,
      [hashSecret(token)],
    );
    if (!r.rows[0]) throw new AppError("not_found", "this invitation link is not valid");
    return r.rows[0];
  }
  return {
    async listInvitations(ctx, { query }) {
      const org = requireOrg(ctx);
      const params: unknown[] = [org.id, query.q ? `%${query.q}%` : null];
      const ks = buildKeyset({ sortColumns: { createdAt: "i.created_at", email: "i.email" }, idColumn: "i.id", sort: query.sort, defaultSort: "-createdAt", cursor: query.cursor, limit: query.limit }, params);
      const r = await ctx.db.query<InvitationRow>(`${invitationSelect} WHERE i.org_id = $1 AND ($2::text IS NULL OR i.email ILIKE $2)${ks.where}${ks.orderLimit}`, params);
      return finishPage(r.rows, query.limit, (row) => (ks.sortField === "email" ? row.email : row.created_at), (row) => toInvitation(row, ctx.now));
    },
    async createInvitation(ctx, { body }) {
      const org = requireOrg(ctx);
      const role = await getRoleRow(ctx.db, org.id, body.roleId);
      ctx.audit.target = { type: "invitation", id: null, name: body.email };
      // Inviting someone with a role grants it: the escalation rule applies.
      const access = requireAccess(ctx);
      if (!access.can("role:bind", { kind: "organization" })) {
        const missing = access.missing(role.permissions, { kind: "organization" });
        if (missing.length > 0) throw new AppError("forbidden", `you cannot invite with the role ${role.name}: you lack ${missing.slice(0, 5).join(", ")}`, { details: { missing } });
      }
      const teams = [...new Set(body.teamIds)];
      if (teams.length > 0) {
        const t = await ctx.db.query("SELECT id FROM teams WHERE org_id = $1 AND id = ANY($2::uuid[])", [org.id, teams]);
        if (t.rowCount !== teams.length) throw new AppError("not_found", "team not found", { details: { issues: [{ path: "body.teamIds", message: "unknown team" }] } });
      }
      const token = generateSecret("inv");
      const id = randomUUID();
      const expiresAt = new Date(ctx.now.getTime() + body.expiresInDays * 86_400_000);
      await ctx.db.query(
        `INSERT INTO invitations (id, org_id, email, role_id, team_ids, token_hash, invited_by, expires_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [id, org.id, body.email, role.id, teams, hashSecret(token), ctx.actor?.userId ?? null, expiresAt.toISOString(), ctx.now.toISOString()],
      );
      const link = `${deps.publicUrl(ctx)}/invite/${token}`;
      ctx.audit.target = { type: "invitation", id, name: body.email };
      ctx.audit.summary = { email: body.email, role: role.slug, teams, expiresAt: expiresAt.toISOString() };
      const row = (await ctx.db.query<InvitationRow>(`${invitationSelect} WHERE i.id = $1`, [id])).rows[0] as InvitationRow;
      const mailer = deps.mailer;
      let emailed = false;
      if (mailer) {
        // Sent after commit; a mail failure leaves the invitation valid (the link is shown to the inviter anyway).
        emailed = true;
        ctx.afterCommit(async () => {
          await mailer
            .send({ to: body.email, subject: `You are invited to ${org.name} on Meridian`, text: `${ctx.actor?.username} invited you to join ${org.name} as ${role.name}.\n\nAccept: ${link}\n\nThe link expires on ${expiresAt.toUTCString()}.` })
            .catch((err: unknown) => ctx.reply.log.warn({ err }, "invitation email failed"));
        });
      }
      return { ...toInvitation(row, ctx.now), token, link, emailed };
    },
    async revokeInvitation(ctx, { params }) {
      const org = requireOrg(ctx);
      const row = (await ctx.db.query<InvitationRow>(`${invitationSelect} WHERE i.org_id = $1 AND i.id = $2`, [org.id, params.invitationId])).rows[0];
      if (!row) throw new AppError("not_found", "invitation not found");
      ctx.audit.target = { type: "invitation", id: row.id, name: row.email };
      if (statusOf(row, ctx.now) !== "pending") throw new AppError("conflict", `the invitation is already ${statusOf(row, ctx.now)}`);
      await ctx.db.query("UPDATE invitations SET revoked_at = $2 WHERE id = $1", [row.id, ctx.now.toISOString()]);
      return { ok: true as const };
    },
    async previewInvitation(ctx, { params }) {
      const row = await findByToken(ctx, params.token);
      return {
        organizationName: row.org_name,
        organizationSlug: row.org_slug,
        email: row.email,
        roleName: row.role_name,
        invitedBy: row.invited_by_name ?? "(deleted user)",
        expiresAt: row.expires_at,
        status: statusOf(row, ctx.now),
      };
    },
    async acceptInvitation(ctx, { params, body }) {
      const row = await findByToken(ctx, params.token);
      ctx.audit.orgIds = [row.org_id];
      ctx.audit.target = { type: "invitation", id: row.id, name: row.email };
      const status = statusOf(row, ctx.now);
      if (status !== "pending") throw new AppError("conflict", `this invitation is ${status}`);
      let userId: string;
      let username: string;
      if (ctx.actor) {
        userId = ctx.actor.userId;
        username = ctx.actor.username;
      } else {
        if (!body.signup) throw new AppError("unauthenticated", "log in, or sign up with a username and password, to accept");
        const user = await createUser(ctx.db, { username: body.signup.username, displayName: body.signup.displayName, email: row.email, passwordHash: await deps.passwords.hash(body.signup.password) }, ctx.now);
        userId = user.id;
        username = user.username;
        ctx.audit.actor = { kind: "user", id: user.id, name: user.username };
      }
      // Lock the row so two accepts of one link cannot both succeed.
      const locked = await ctx.db.query("SELECT 1 FROM invitations WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL FOR UPDATE", [row.id]);
      if (locked.rowCount === 0) throw new AppError("conflict", "this invitation was just used");
      const member = await ctx.db.query("INSERT INTO memberships (org_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [row.org_id, userId, ctx.now.toISOString()]);
      if (member.rowCount === 0) throw new AppError("conflict", `${username} is already a member of ${row.org_name}`);
      await ctx.db.query(
        "INSERT INTO role_bindings (id, org_id, role_id, subject_kind, subject_id, scope_kind, created_at) VALUES ($1,$2,$3,'user',$4,'organization',$5) ON CONFLICT DO NOTHING",
        [randomUUID(), row.org_id, row.role_id, userId, ctx.now.toISOString()],
      );
      for (const teamId of row.team_ids) {
        await ctx.db.query("INSERT INTO team_members (team_id, user_id, org_id, created_at) SELECT id, $2, org_id, $3 FROM teams WHERE id = $1 AND org_id = $4 ON CONFLICT DO NOTHING", [
          teamId,
          userId,
          ctx.now.toISOString(),
          row.org_id,
        ]);
      }
      await ctx.db.query("UPDATE invitations SET accepted_at = $2, accepted_by = $3 WHERE id = $1", [row.id, ctx.now.toISOString(), userId]);
      ctx.audit.summary = { user: username, role: row.role_name, teams: row.team_ids };
      ctx.afterCommit(() => deps.access.invalidateOrg(row.org_id));
      return { organizationId: row.org_id, organizationSlug: row.org_slug, userId };
    },
  };
}
