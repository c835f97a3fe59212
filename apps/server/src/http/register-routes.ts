import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { AppError, type RouteDef, type RouteId, routes, type Scope } from "@meridian/core";
import type { Database, Queryable } from "@meridian/db";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { AccessService } from "../access/access-service.js";
import { appendAuditEvent } from "../audit/audit-writer.js";
import type { Authenticator } from "../identity/authenticator.js";
import { sessionCookie } from "../identity/authenticator.js";
import { safeEqual } from "../identity/secrets.js";
import { listUserOrgIds } from "../identity/users.js";
import type { Actor, Handlers, RawResponse, RequestContext } from "./context.js";
import type { ReadCache } from "./read-cache.js";

export interface RouteDeps {
  db: Database;
  access: AccessService;
  auth: Authenticator;
  handlers: Handlers;
  now: () => Date;
  onAudit?: () => void;
  readCache?: ReadCache;
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function parseOrThrow<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> | undefined {
  if (!schema) return undefined;
  const res = schema.safeParse(value ?? (where === "body" ? {} : value));
  if (!res.success) {
    const issues = res.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message }));
    throw new AppError("invalid_input", `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { details: { issues } });
  }
  return res.data;
}

/** The scope a path names: environment, project or organization, checked to belong to the organization. */
async function resolveScope(db: Queryable, orgId: string, params: Record<string, unknown>): Promise<Scope> {
  const projectId = typeof params.projectId === "string" ? params.projectId : undefined;
  const environmentId = typeof params.environmentId === "string" ? params.environmentId : undefined;
  if (environmentId && projectId) {
    const r = await db.query("SELECT 1 FROM environments WHERE id = $1 AND project_id = $2 AND org_id = $3", [environmentId, projectId, orgId]);
    if (r.rowCount === 0) throw new AppError("not_found", "environment not found");
    return { kind: "environment", projectId, environmentId };
  }
  if (projectId) {
    const r = await db.query("SELECT 1 FROM projects WHERE id = $1 AND org_id = $2", [projectId, orgId]);
    if (r.rowCount === 0) throw new AppError("not_found", "project not found");
    return { kind: "project", projectId };
  }
  return { kind: "organization" };
}

function describeScope(scope: Scope): string {
  return scope.kind === "organization" ? "the organization" : scope.kind === "project" ? "this project" : "this environment";
}

/** The caller's credentials: a bearer token, else the session cookie. */
export function credentialsOf(req: FastifyRequest): { cookie?: string; bearer?: string } {
  const authz = req.headers.authorization;
  if (authz !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authz);
    if (!m) throw new AppError("unauthenticated", "the Authorization header must be 'Bearer <token>'");
    return { bearer: m[1] };
  }
  return { cookie: req.cookies?.[sessionCookie] };
}

function actorForAudit(ctx: RequestContext): { kind: "user" | "token" | "anonymous"; id: string | null; name: string } {
  if (ctx.actor?.kind === "token") return { kind: "token", id: ctx.actor.tokenId, name: `${ctx.actor.username} (token ${ctx.actor.tokenName})` };
  if (ctx.actor) return { kind: "user", id: ctx.actor.userId, name: ctx.actor.username };
  return ctx.audit.actor ?? { kind: "anonymous", id: null, name: "anonymous" };
}

/**
 * Registers every route of the contract. This is the one place that authenticates, checks CSRF, resolves
 * the organization (404 for non-members), authorizes, validates input, runs mutations in a transaction
 * and writes their audit event in that same transaction.
 */
export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  async function writeAudit(db: Queryable, ctx: RequestContext, action: string, result: "success" | "failure" | "denied", extra?: Record<string, unknown>) {
    let orgIds: (string | null)[];
    if (ctx.org && (ctx.access || result === "success")) orgIds = [ctx.org.id];
    else if (ctx.audit.orgIds) orgIds = ctx.audit.orgIds;
    else if (ctx.actor && !ctx.org) orgIds = await listUserOrgIds(db, ctx.actor.userId);
    else orgIds = [];
    if (orgIds.length === 0) orgIds = [null];
    const written: string[] = [];
    for (const orgId of orgIds) {
      if (orgId) written.push(orgId);
      await appendAuditEvent(db, {
        orgId,
        time: ctx.now,
        actor: actorForAudit(ctx),
        action,
        target: ctx.audit.target ?? { type: action.split(".")[0] ?? "unknown", id: null, name: null },
        summary: { ...ctx.audit.summary, ...extra },
        result,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        requestId: ctx.requestId,
      });
      deps.onAudit?.();
    }
    return written;
  }

  for (const [id, def] of Object.entries(routes) as [RouteId, RouteDef][]) {
    const handler = deps.handlers[id] as unknown as (ctx: RequestContext, input: unknown) => Promise<unknown>;
    app.route({
      method: def.method,
      url: def.path,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const pending: (() => void | Promise<void>)[] = [];
        const ctx: RequestContext = {
          requestId: String(req.id),
          ip: req.ip ?? null,
          userAgent: req.headers["user-agent"]?.slice(0, 500) ?? null,
          now: deps.now(),
          actor: null,
          org: null,
          access: null,
          db: deps.db,
          audit: {},
          reply,
          afterCommit: (fn) => pending.push(fn),
        };
        const auth = def.auth;
        // 1. who is calling
        let authError: unknown = null;
        try {
          ctx.actor = await deps.auth.authenticate({ ...credentialsOf(req), ip: ctx.ip }, ctx.now);
        } catch (e) {
          authError = e;
        }
        if (auth.kind !== "public") {
          if (authError) throw authError;
          if (!ctx.actor) throw new AppError("unauthenticated", "log in or send an API token");
        }
        if (ctx.actor?.kind === "user" && unsafeMethods.has(def.method)) {
          const sent = req.headers["x-csrf-token"];
          if (typeof sent !== "string" || !safeEqual(sent, ctx.actor.csrfToken)) {
            throw new AppError("forbidden", "missing or invalid CSRF token (send the x-csrf-token header from /api/v1/me)");
          }
        }
        const params = parseOrThrow(def.params, req.params, "params") as Record<string, unknown> | undefined;
        const mutation = def.method !== "GET" && def.audit !== undefined;
        try {
          // 2. which organization, and may the caller act there
          if (params && typeof params.orgId === "string" && ctx.actor) {
            const org = await deps.access.findOrg(params.orgId);
            const access = org ? await deps.access.getAccess(org, ctx.actor) : null;
            if (!org || !access) throw new AppError("not_found", "organization not found");
            ctx.org = org;
            ctx.access = access;
            if (auth.kind === "permission") {
              const scope = await resolveScope(deps.db, org.id, params);
              const ok = auth.anyScope ? access.canSomewhere(auth.permission) : access.can(auth.permission, scope);
              if (!ok) {
                throw new AppError("forbidden", `you need the ${auth.permission} permission on ${describeScope(scope)}`, {
                  details: { permission: auth.permission, scope },
                });
              }
            }
          }
          if (ctx.actor && deps.auth.takeTokenUse(ctx.actor, ctx.ip, ctx.now)) {
            const actor = ctx.actor as Extract<Actor, { kind: "token" }>;
            await deps.db.transaction((tx) =>
              appendAuditEvent(tx, {
                orgId: actor.tokenOrgId,
                time: ctx.now,
                actor: { kind: "token", id: actor.tokenId, name: `${actor.username} (token ${actor.tokenName})` },
                action: "token.use",
                target: { type: "token", id: actor.tokenId, name: actor.tokenName },
                summary: { route: id },
                result: "success",
                ip: ctx.ip,
                userAgent: ctx.userAgent,
                requestId: ctx.requestId,
              }),
            );
          }
          // 3. what they sent
          const input = {
            params,
            query: parseOrThrow(def.query, req.query, "query"),
            body: parseOrThrow(def.body, req.body, "body"),
          };
          // 4. do it
          let out: unknown;
          if (mutation) {
            let changed: string[] = [];
            out = await deps.db.transaction(async (tx) => {
              ctx.db = tx;
              const result = await handler(ctx, input);
              changed = await writeAudit(tx, ctx, def.audit as string, "success");
              return result;
            });
            ctx.db = deps.db;
            for (const orgId of changed) deps.readCache?.invalidate(orgId);
            for (const fn of pending) await fn();
          } else if (deps.readCache && ctx.org && ctx.actor && !def.produces && !def.live) {
            // Reads of an organization are cached per caller until the organization changes.
            const key = `${id}|${ctx.actor.kind === "token" ? `t:${ctx.actor.tokenId}` : ctx.actor.userId}|${req.url}`;
            const cached = deps.readCache.get(ctx.org.id, key);
            if (cached !== undefined) return sendResult(reply, def, cached);
            const version = deps.readCache.versionOf(ctx.org.id);
            out = await handler(ctx, input);
            deps.readCache.set(ctx.org.id, key, out, version);
          } else {
            out = await handler(ctx, input);
          }
          return sendResult(reply, def, out);
        } catch (err) {
          ctx.db = deps.db;
          if (mutation && err instanceof AppError && err.code !== "invalid_input") {
            const result = err.code === "forbidden" ? "denied" : "failure";
            // Outsiders probing another organization are recorded in the system chain, not that organization's.
            if (!ctx.access) ctx.org = null;
            await deps.db
              .transaction((tx) => writeAudit(tx, ctx, def.audit as string, result, { error: err.message }))
              .catch((e: unknown) => req.log.error({ err: e }, "could not write the audit event of a failed request"));
          }
          throw err;
        }
      },
    });
  }
}

function sendResult(reply: FastifyReply, def: RouteDef, out: unknown) {
  if (out && typeof out === "object" && (out as RawResponse).raw === true) {
    const raw = out as RawResponse;
    reply.header("content-type", raw.contentType);
    if (raw.filename) reply.header("content-disposition", `attachment; filename="${raw.filename}"`);
    reply.header("cache-control", "no-store");
    return reply.send(typeof raw.body === "string" ? raw.body : Readable.from(raw.body));
  }
  reply.header("cache-control", "no-store");
  // A handler may choose the status itself (PUT answers 201 when it created); the route's status wins otherwise.
  if (def.status) reply.code(def.status);
  return reply.send(out);
}

export function newRequestId(header: string | string[] | undefined): string {
  return typeof header === "string" && /^[A-Za-z0-9._:-]{1,64}$/.test(header) ? header : randomUUID();
}
