import { randomBytes, randomUUID } from "node:crypto";
import { AppError, type Grant } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import { createTtlCache } from "../access/ttl-cache.js";
import { scopeOfRow } from "../access/access-service.js";
import type { Actor } from "../http/context.js";
import { hashSecret } from "./secrets.js";

export const sessionCookie = "meridian_session";
export const tokenPrefix = "mer";

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

interface SessionRow {
  id: string;
  user_id: string;
  username: string;
  csrf_token: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  disabled_at: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  org_id: string;
  user_id: string;
  username: string;
  permissions: string[];
  scope_kind: string;
  project_id: string | null;
  environment_id: string | null;
  expires_at: string;
  revoked_at: string | null;
  disabled_at: string | null;
  last_used_at: string | null;
}

export interface Authenticator {
  /** The actor behind a request's credentials; null when it carries none; throws when they are invalid. */
  authenticate(creds: { cookie?: string; bearer?: string; ip: string | null }, now: Date): Promise<Actor | null>;
  createSession(tx: Queryable, userId: string, meta: { ip: string | null; userAgent: string | null }, now: Date): Promise<{ id: string; secret: string; csrfToken: string; expiresAt: Date }>;
  /** Forgets cached sessions or tokens so a revocation takes effect in this process at once. */
  forgetSessions(): void;
  forgetTokens(): void;
  /** Token uses to record in the audit log (at most one per token per hour), drained by the caller. */
  takeTokenUse(actor: Actor, ip: string | null, now: Date): boolean;
}

const cacheMs = 5000;
const touchEveryMs = 60_000;
const tokenUseAuditEveryMs = 3_600_000;

export function createAuthenticator(deps: { db: Queryable; policy: SessionPolicy }): Authenticator {
  const sessions = createTtlCache<string, SessionRow | null>(cacheMs);
  const tokens = createTtlCache<string, TokenRow | null>(cacheMs);
  const lastTouched = new Map<string, number>();
  const lastTokenAudit = new Map<string, number>();

  async function fromSession(secret: string, now: Date): Promise<Actor | null> {
    const key = hashSecret(secret).toString("hex");
    let row = sessions.get(key);
    if (row === undefined) {
      const res = await deps.db.query<SessionRow>(
        `SELECT s.id, s.user_id, u.username, s.csrf_token, s.last_seen_at, s.expires_at, s.revoked_at, u.disabled_at
           FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
        [hashSecret(secret)],
      );
      row = res.rows[0] ?? null;
      sessions.set(key, row);
    }
    if (!row || row.revoked_at || row.disabled_at) return null;
    const t = now.getTime();
    const lastSeen = Math.max(Date.parse(row.last_seen_at), lastTouched.get(row.id) ?? 0);
    if (Date.parse(row.expires_at) <= t || lastSeen + deps.policy.idleMs <= t) return null;
    if (t - lastSeen > touchEveryMs) {
      lastTouched.set(row.id, t);
      // Best effort: a lost touch only shortens the idle window by a minute.
      deps.db.query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1", [row.id, now.toISOString()]).catch(() => undefined);
    }
    return { kind: "user", userId: row.user_id, username: row.username, sessionId: row.id, csrfToken: row.csrf_token };
  }

  async function fromToken(secret: string, ip: string | null, now: Date): Promise<Actor> {
    const key = hashSecret(secret).toString("hex");
    let row = tokens.get(key);
    if (row === undefined) {
      const res = await deps.db.query<TokenRow>(
        `SELECT t.id, t.name, t.org_id, t.user_id, u.username, r.permissions, t.scope_kind, t.project_id, t.environment_id,
                t.expires_at, t.revoked_at, u.disabled_at, t.last_used_at
           FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = t.role_id WHERE t.token_hash = $1`,
        [hashSecret(secret)],
      );
      row = res.rows[0] ?? null;
      tokens.set(key, row);
    }
    if (!row || row.revoked_at || row.disabled_at) throw new AppError("unauthenticated", "the API token is invalid or revoked");
    if (Date.parse(row.expires_at) <= now.getTime()) throw new AppError("unauthenticated", "the API token has expired");
    const t = now.getTime();
    const last = lastTouched.get(row.id) ?? (row.last_used_at ? Date.parse(row.last_used_at) : 0);
    if (t - last > touchEveryMs) {
      lastTouched.set(row.id, t);
      deps.db.query("UPDATE api_tokens SET last_used_at = $2, last_used_ip = $3 WHERE id = $1", [row.id, now.toISOString(), ip]).catch(() => undefined);
    }
    const tokenGrant: Grant = { permissions: row.permissions, scope: scopeOfRow(row) };
    return { kind: "token", userId: row.user_id, username: row.username, tokenId: row.id, tokenName: row.name, tokenOrgId: row.org_id, tokenGrant };
  }

  return {
    async authenticate(creds, now) {
      if (creds.bearer !== undefined) {
        if (!creds.bearer.startsWith(`${tokenPrefix}_`)) throw new AppError("unauthenticated", "the bearer token is not a Meridian API token");
        return fromToken(creds.bearer, creds.ip, now);
      }
      if (creds.cookie) return fromSession(creds.cookie, now);
      return null;
    },
    async createSession(tx, userId, meta, now) {
      const secret = randomBytes(32).toString("base64url");
      const csrfToken = randomBytes(24).toString("base64url");
      const id = randomUUID();
      const expiresAt = new Date(now.getTime() + deps.policy.absoluteMs);
      await tx.query(
        `INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)`,
        [id, hashSecret(secret), userId, csrfToken, now.toISOString(), expiresAt.toISOString(), meta.ip, meta.userAgent?.slice(0, 500) ?? null],
      );
      return { id, secret, csrfToken, expiresAt };
    },
    forgetSessions: () => sessions.clear(),
    forgetTokens: () => tokens.clear(),
    takeTokenUse(actor, _ip, now) {
      if (actor.kind !== "token") return false;
      const last = lastTokenAudit.get(actor.tokenId) ?? 0;
      if (now.getTime() - last < tokenUseAuditEveryMs) return false;
      lastTokenAudit.set(actor.tokenId, now.getTime());
      return true;
    },
  };
}
