import type { Grant, ParsedBody, ParsedParams, ParsedQuery, Permission, RouteId, RouteResponse, Routes, Scope } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import type { FastifyReply } from "fastify";

export type Actor =
  | { kind: "user"; userId: string; username: string; sessionId: string; csrfToken: string }
  | { kind: "token"; userId: string; username: string; tokenId: string; tokenName: string; tokenOrgId: string; tokenGrant: Grant };

export interface OrgRow {
  id: string;
  slug: string;
  name: string;
  auditRetentionDays: number | null;
  createdAt: string;
}

/** What the caller may do in one organization; tokens are limited to both their own grant and their owner's. */
export interface Access {
  orgId: string;
  /** Slugs of organization-scope roles the user holds. */
  roles: string[];
  can(permission: Permission, scope: Scope): boolean;
  canSomewhere(permission: Permission): boolean;
  /** Permissions (concrete) among `wanted` the caller lacks at `scope` (escalation rule). */
  missing(wanted: readonly string[], scope: Scope): Permission[];
  /** Projects in which `permission` is held somewhere (project or environment scope), or "all". */
  projectsWith(permission: Permission): "all" | string[];
}

export interface AuditNote {
  target?: { type: string; id: string | null; name: string | null };
  summary?: Record<string, unknown>;
  /** Organizations whose chains get the event, when the route has no organization in its path. */
  orgIds?: string[];
  /** Who acted when nobody is authenticated yet (login, sign-up). */
  actor?: { kind: "user" | "anonymous"; id: string | null; name: string };
}

export interface RequestContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  now: Date;
  actor: Actor | null;
  org: OrgRow | null;
  access: Access | null;
  /** The transaction for mutations, the pool for reads. */
  db: Queryable;
  audit: AuditNote;
  reply: FastifyReply;
  /** Runs after the transaction commits (emails, cache invalidation). */
  afterCommit(fn: () => void | Promise<void>): void;
}

export interface HandlerInput<K extends RouteId> {
  params: ParsedParams<Routes[K]>;
  query: ParsedQuery<Routes[K]>;
  body: ParsedBody<Routes[K]>;
}

/** A handler may answer with a raw body (exports) instead of JSON. */
export interface RawResponse {
  raw: true;
  contentType: string;
  body: string | AsyncIterable<string>;
  filename?: string;
}

export type Handler<K extends RouteId> = (ctx: RequestContext, input: HandlerInput<K>) => Promise<RouteResponse<Routes[K]> | RawResponse>;
export type Handlers = { [K in RouteId]: Handler<K> };

export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new Error("route declared authenticated but has no actor");
  return ctx.actor;
}
export function requireOrg(ctx: RequestContext): OrgRow {
  if (!ctx.org) throw new Error("route has no organization");
  return ctx.org;
}
export function requireAccess(ctx: RequestContext): Access {
  if (!ctx.access) throw new Error("route has no access decision");
  return ctx.access;
}
