import type { ApiToken } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import type { Column } from "../output.js";
import { collectPages, parseLimit, parsePositiveInt } from "../paging.js";
import { isUuid, pickOne, resolveRoleId, resolveScope } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

function formatTokenScope(t: ApiToken): string {
  return t.scope.kind === "organization" ? "org" : t.scope.kind === "environment" ? "env" : "project";
}

function getTokenStatus(t: ApiToken, now = Date.now()): string {
  if (t.revokedAt) return "revoked";
  if (Date.parse(t.expiresAt) <= now) return "expired";
  return "active";
}

const columns: Column<ApiToken>[] = [
  { header: "Name", value: (t) => t.name },
  { header: "Role", value: (t) => t.roleName },
  { header: "Scope", value: formatTokenScope },
  { header: "Owner", value: (t) => t.ownerName },
  { header: "Status", value: (t) => getTokenStatus(t) },
  { header: "Expires", value: (t) => t.expiresAt, kind: "time" },
  { header: "Last used", value: (t) => t.lastUsedAt, kind: "time" },
  { header: "ID", value: (t) => t.id, fixed: true },
];

export function registerTokenCommands(program: Command, env: CliEnv): void {
  const tokens = program.command("tokens").alias("token").description("API tokens");
  tokens
    .command("list", { isDefault: true })
    .alias("ls")
    .description("Your tokens (everyone's with token:read)")
    .option("--limit <n>", "show at most n")
    .option("--all", "include revoked and expired tokens")
    .action(withRuntime(env, listTokens));
  tokens
    .command("create <name>")
    .description("Create an API token (printed once)")
    .requiredOption("--role <role>", "role the token acts with (slug, name or id)")
    .option("--project <project>", "limit to a project")
    .option("--env <env>", "limit to an environment of --project")
    .option("--expires-in-days <n>", "lifetime in days (1-365, default 30)")
    .action(withRuntime(env, createToken));
  tokens.command("revoke <token>").description("Revoke a token (id or name)").action(withRuntime(env, revokeToken));
}

async function listTokens(rt: Runtime, _args: string[], opts: { limit?: string; all?: boolean }): Promise<void> {
  const items = await collectPages(rt.getClient(), "listTokens", { params: { orgId: rt.getOrg() } }, parseLimit(opts.limit));
  rt.printer.list(
    opts.all ? items : items.filter((t) => getTokenStatus(t) === "active"),
    columns,
    opts.all ? "No tokens." : "No active tokens (add --all for revoked and expired).",
  );
}

async function createToken(rt: Runtime, [name]: string[], opts: { role: string; project?: string; env?: string; expiresInDays?: string }): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const roleId = await resolveRoleId(client, orgId, opts.role);
  const scope = await resolveScope(client, orgId, opts.project, opts.env);
  const expiresInDays = parsePositiveInt("--expires-in-days", opts.expiresInDays);
  const created = await client.call("createToken", {
    params: { orgId },
    body: { name: name as string, roleId, scope, ...(expiresInDays !== undefined ? { expiresInDays } : {}) },
  });
  rt.printer.done(
    `Token ${created.name} created (role ${created.roleName}, expires ${created.expiresAt.slice(0, 10)}). Store it now; it is not shown again:\n${created.token}`,
    created,
  );
}

async function revokeToken(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  let tokenId = ref as string;
  if (!isUuid(tokenId)) {
    const active = (await collectPages(client, "listTokens", { params: { orgId } })).filter((t) => !t.revokedAt);
    tokenId = pickOne("token", tokenId, active.map((t) => ({ id: t.id, keys: [t.name, t.prefix] })), `organization ${orgId}`, "see: meridian tokens list").id;
  }
  await client.call("revokeToken", { params: { orgId, tokenId } });
  rt.printer.done(`Token ${ref} revoked.`);
}
