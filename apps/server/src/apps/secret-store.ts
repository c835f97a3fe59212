import { randomUUID } from "node:crypto";
import { AppError } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import type { Envelope } from "../secrets/envelope.js";

/**
 * Secrets at organization, project or environment scope. Values are envelope-encrypted (bound to the row) and
 * never leave the server except into the cluster objects a release creates. Writing a name again adds a version.
 */
export interface SecretScope {
  projectId: string | null;
  environmentId: string | null;
}

export interface SecretRow {
  id: string;
  name: string;
  project_id: string | null;
  environment_id: string | null;
  version: number;
  versions: number;
  created_at: string;
  created_by_name: string | null;
}

export const secretContext = (id: string) => ({ resourceType: "secret", resourceId: id, field: "value" });

const scopeWhere = "coalesce(project_id::text, '') = coalesce($2::text, '') AND coalesce(environment_id::text, '') = coalesce($3::text, '')";

export async function listSecretRows(db: Queryable, orgId: string, scope: SecretScope): Promise<SecretRow[]> {
  const r = await db.query<SecretRow>(
    `SELECT DISTINCT ON (s.name) s.id, s.name, s.project_id, s.environment_id, s.version, s.created_at, u.username AS created_by_name,
            count(*) OVER (PARTITION BY s.name)::int AS versions
       FROM app_secrets s LEFT JOIN users u ON u.id = s.created_by
      WHERE s.org_id = $1 AND ${scopeWhere.replaceAll("project_id", "s.project_id").replaceAll("environment_id", "s.environment_id")}
      ORDER BY s.name, s.version DESC`,
    [orgId, scope.projectId, scope.environmentId],
  );
  return r.rows;
}

export async function putSecret(db: Queryable, envelope: Envelope, orgId: string, scope: SecretScope, name: string, value: string, userId: string | null, now: Date): Promise<SecretRow> {
  // One writer per name at a time, so two rotations never claim the same version number.
  await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`secret|${orgId}|${scope.projectId ?? ""}|${scope.environmentId ?? ""}|${name}`]);
  const prev = await db.query<{ v: number }>(`SELECT coalesce(max(version), 0)::int AS v FROM app_secrets WHERE org_id = $1 AND ${scopeWhere} AND name = $4`, [orgId, scope.projectId, scope.environmentId, name]);
  const id = randomUUID();
  const version = (prev.rows[0]?.v ?? 0) + 1;
  const ciphertext = await envelope.encrypt(db, orgId, secretContext(id), value);
  await db.query("INSERT INTO app_secrets (id, org_id, project_id, environment_id, name, version, ciphertext, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)", [
    id,
    orgId,
    scope.projectId,
    scope.environmentId,
    name,
    version,
    ciphertext,
    now.toISOString(),
    userId,
  ]);
  const rows = await listSecretRows(db, orgId, scope);
  return rows.find((r) => r.name === name) as SecretRow;
}

export async function deleteSecret(db: Queryable, orgId: string, scope: SecretScope, name: string): Promise<number> {
  const r = await db.query(`DELETE FROM app_secrets WHERE org_id = $1 AND ${scopeWhere} AND name = $4`, [orgId, scope.projectId, scope.environmentId, name]);
  if (r.rowCount === 0) throw new AppError("not_found", `secret ${name} not found`);
  return r.rowCount ?? 0;
}

export interface ResolvedSecret {
  name: string;
  id: string;
  version: number;
  scope: "organization" | "project" | "environment";
}

/** The newest version of each name, looked up in the environment, then the project, then the organization. */
export async function resolveSecrets(db: Queryable, orgId: string, projectId: string, environmentId: string, names: string[]): Promise<Map<string, ResolvedSecret>> {
  const out = new Map<string, ResolvedSecret>();
  if (names.length === 0) return out;
  const r = await db.query<{ id: string; name: string; version: number; project_id: string | null; environment_id: string | null }>(
    `SELECT DISTINCT ON (name) id, name, version, project_id, environment_id FROM app_secrets
      WHERE org_id = $1 AND name = ANY($4::text[])
        AND ((project_id IS NULL AND environment_id IS NULL) OR (project_id = $2 AND environment_id IS NULL) OR environment_id = $3)
      ORDER BY name, (environment_id IS NOT NULL) DESC, (project_id IS NOT NULL) DESC, version DESC`,
    [orgId, projectId, environmentId, names],
  );
  for (const row of r.rows) out.set(row.name, { name: row.name, id: row.id, version: row.version, scope: row.environment_id ? "environment" : row.project_id ? "project" : "organization" });
  return out;
}

export async function readSecretValue(db: Queryable, envelope: Envelope, orgId: string, id: string): Promise<string> {
  const r = await db.query<{ ciphertext: string }>("SELECT ciphertext FROM app_secrets WHERE org_id = $1 AND id = $2", [orgId, id]);
  const row = r.rows[0];
  if (!row) throw new AppError("conflict", "a secret this release uses was deleted; deploy again after recreating it");
  return envelope.decrypt(db, orgId, secretContext(id), row.ciphertext);
}
