import type { MeridianClient } from "@meridian/client";
import { CliError, UsageError } from "./errors.js";
import { collectPages } from "./paging.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return uuidPattern.test(s);
}

interface Candidate {
  id: string;
  keys: (string | null | undefined)[];
  name?: string | null;
}

/**
 * Picks the one item a human reference means: an exact id or key (slug, username, email), else a unique
 * case-insensitive name. Throws a not-found or ambiguity error naming the kind and where it looked.
 */
export function pickOne<T extends Candidate>(kind: string, ref: string, items: readonly T[], where: string, hint?: string): T {
  const exact = items.filter((i) => i.id === ref || i.keys.some((k) => k === ref));
  if (exact.length === 1) return exact[0] as T;
  const lower = ref.toLowerCase();
  const loose = exact.length > 1 ? exact : items.filter((i) => i.keys.some((k) => k?.toLowerCase() === lower) || i.name?.toLowerCase() === lower);
  if (loose.length === 1) return loose[0] as T;
  if (loose.length > 1) throw new CliError(`${kind} "${ref}" is ambiguous in ${where}; use its id (${loose.map((i) => i.id).join(", ")})`);
  throw new CliError(`${kind} "${ref}" not found in ${where}${hint ? ` (${hint})` : ""}`);
}

export async function resolveProjectId(client: MeridianClient, orgId: string, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const items = await collectPages(client, "listProjects", { params: { orgId } });
  const list = items.map((p) => ({ id: p.id, keys: [p.slug], name: p.name }));
  return pickOne("project", ref, list, `organization ${orgId}`, "see: meridian projects list").id;
}

export async function resolveEnvironmentId(client: MeridianClient, orgId: string, projectId: string, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const { items } = await client.call("listEnvironments", { params: { orgId, projectId } });
  const list = items.map((e) => ({ id: e.id, keys: [e.slug], name: e.name }));
  return pickOne("environment", ref, list, "this project", "see: meridian envs list --project P").id;
}

export async function resolveRoleId(client: MeridianClient, orgId: string, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const items = await collectPages(client, "listRoles", { params: { orgId } });
  const list = items.map((r) => ({ id: r.id, keys: [r.slug], name: r.name }));
  return pickOne("role", ref, list, `organization ${orgId}`, "see: meridian roles list").id;
}

export async function resolveTeamId(client: MeridianClient, orgId: string, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const items = await collectPages(client, "listTeams", { params: { orgId } });
  const list = items.map((t) => ({ id: t.id, keys: [t.slug], name: t.name }));
  return pickOne("team", ref, list, `organization ${orgId}`, "see: meridian teams list").id;
}

export async function resolveUserId(client: MeridianClient, orgId: string, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const items = await collectPages(client, "listMembers", { params: { orgId } });
  const list = items.map((m) => ({ id: m.userId, keys: [m.username, m.email], name: m.displayName }));
  return pickOne("user", ref, list, `organization ${orgId}`, "see: meridian members list").id;
}

/** Resolves many refs of one kind with a single listing. */
export async function resolveRoleIds(client: MeridianClient, orgId: string, refs: string[]): Promise<string[]> {
  if (refs.every(isUuid)) return refs;
  const items = await collectPages(client, "listRoles", { params: { orgId } });
  const list = items.map((r) => ({ id: r.id, keys: [r.slug], name: r.name }));
  return refs.map((ref) => (isUuid(ref) ? ref : pickOne("role", ref, list, `organization ${orgId}`, "see: meridian roles list").id));
}

export async function resolveTeamIds(client: MeridianClient, orgId: string, refs: string[]): Promise<string[]> {
  if (refs.every(isUuid)) return refs;
  const items = await collectPages(client, "listTeams", { params: { orgId } });
  const list = items.map((t) => ({ id: t.id, keys: [t.slug], name: t.name }));
  return refs.map((ref) => (isUuid(ref) ? ref : pickOne("team", ref, list, `organization ${orgId}`, "see: meridian teams list").id));
}

export type Scope =
  | { kind: "organization" }
  | { kind: "project"; projectId: string }
  | { kind: "environment"; projectId: string; environmentId: string };

/** --project P [--env E] to a binding or token scope. */
export async function resolveScope(client: MeridianClient, orgId: string, project?: string, env?: string): Promise<Scope> {
  if (!project) {
    if (env) throw new UsageError("--env needs --project");
    return { kind: "organization" };
  }
  const projectId = await resolveProjectId(client, orgId, project);
  if (!env) return { kind: "project", projectId };
  return { kind: "environment", projectId, environmentId: await resolveEnvironmentId(client, orgId, projectId, env) };
}
