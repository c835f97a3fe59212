import { randomUUID } from "node:crypto";
import { AppError, type User } from "@meridian/core";
import type { Queryable } from "@meridian/db";

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

export function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, displayName: row.display_name, email: row.email, createdAt: row.created_at };
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserRow | undefined> {
  const r = await db.query<UserRow>("SELECT * FROM users WHERE lower(username) = lower($1)", [username]);
  return r.rows[0];
}

export async function getUser(db: Queryable, id: string): Promise<UserRow> {
  const r = await db.query<UserRow>("SELECT * FROM users WHERE id = $1", [id]);
  const row = r.rows[0];
  if (!row) throw new AppError("not_found", "user not found");
  return row;
}

export async function createUser(
  db: Queryable,
  input: { username: string; displayName?: string; email?: string | null; passwordHash: string },
  now: Date,
): Promise<UserRow> {
  if (await findUserByUsername(db, input.username)) {
    throw new AppError("conflict", `the username ${input.username} is taken`, { details: { issues: [{ path: "username", message: "taken" }] } });
  }
  const r = await db.query<UserRow>(
    `INSERT INTO users (id, username, display_name, email, password_hash, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
    [randomUUID(), input.username, input.displayName ?? input.username, input.email ?? null, input.passwordHash, now.toISOString()],
  );
  return r.rows[0] as UserRow;
}

export async function listUserOrgIds(db: Queryable, userId: string): Promise<string[]> {
  const r = await db.query<{ org_id: string }>("SELECT org_id FROM memberships WHERE user_id = $1", [userId]);
  return r.rows.map((x) => x.org_id);
}
