import type { Organization } from "@meridian/core";
import type { Command } from "commander";
import { ApiError } from "@meridian/client";
import { type CliEnv, listContextTokens, selectToken, upsertContext } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { collectPages, parseLimit } from "../paging.js";
import { createApiClient, normalizeServer, type Runtime, withRuntime } from "../runtime.js";
import { issueCliToken, readPassword, withPasswordSession } from "./auth.js";

const columns: Column<Organization>[] = [
  { header: "Slug", value: (o) => o.slug },
  { header: "Name", value: (o) => o.name },
  { header: "Audit retention", value: (o) => (o.auditRetentionDays === null ? "forever" : `${o.auditRetentionDays}d`) },
  { header: "Created", value: (o) => o.createdAt, kind: "time" },
  { header: "ID", value: (o) => o.id, fixed: true },
];

export function registerOrgCommands(program: Command, env: CliEnv): void {
  const orgs = program.command("orgs").alias("org").description("Organizations");
  orgs
    .command("list", { isDefault: true })
    .alias("ls")
    .description("Organizations you belong to")
    .option("--limit <n>", "show at most n")
    .action(withRuntime(env, listOrgs));
  orgs.command("get [org]").description("Show an organization (default: the current one)").action(withRuntime(env, getOrg));
  orgs
    .command("create <slug>")
    .description("Create an organization; you become its owner")
    .requiredOption("--name <name>", "display name")
    .option("--use", "make it the current context's organization")
    .option("--username <username>", "your username (default: the context's)")
    .option("--password <password>", "your password (prompted for on a terminal)")
    .option("--password-stdin", "read your password from stdin")
    .addHelpText("after", "\nAPI tokens are bound to one organization and cannot create organizations, so this logs in with\nyour password, creates the organization and a CLI token for it, then ends that session.")
    .action(withRuntime(env, createOrg));
  orgs
    .command("update [org]")
    .description("Rename an organization or change its audit retention")
    .option("--name <name>", "new display name")
    .option("--audit-retention-days <days>", "days to keep audit events (30-3650), or 'forever'")
    .action(withRuntime(env, updateOrg));
  orgs
    .command("delete <org>")
    .alias("rm")
    .description("Delete an organization and everything in it")
    .option("--yes", "confirm: this cannot be undone")
    .action(withRuntime(env, deleteOrg));
  orgs.command("use <org>").description("Make an organization the default for the current context").action(withRuntime(env, useOrg));
}

/**
 * API tokens see only their own organization, so with a saved context this asks with each of the
 * context's tokens and merges the answers.
 */
async function listOrgs(rt: Runtime, _args: string[], opts: { limit?: string }): Promise<void> {
  const limit = parseLimit(opts.limit);
  const ctx = rt.context;
  const explicitToken = rt.globals.token ?? rt.env.token;
  if (!ctx || explicitToken || normalizeServer(ctx.server) !== rt.getServer()) {
    return rt.printer.list(await collectPages(rt.getClient(), "listOrgs", {}, limit), columns, "No organizations.");
  }
  const byId = new Map<string, Organization>();
  let firstError: unknown;
  for (const { token } of listContextTokens(ctx)) {
    try {
      for (const org of await collectPages(createApiClient(rt.getServer(), token), "listOrgs", {})) byId.set(org.id, org);
    } catch (err) {
      firstError ??= err;
    }
  }
  if (byId.size === 0 && firstError) throw firstError;
  const items = [...byId.values()].sort((a, b) => a.slug.localeCompare(b.slug)).slice(0, limit);
  rt.printer.list(items, columns, "No organizations.");
}

async function getOrg(rt: Runtime, [ref]: string[]): Promise<void> {
  const orgId = ref ?? rt.getOrg();
  const org = await rt.getClient(orgId).call("getOrg", { params: { orgId } });
  rt.printer.item(org, columns);
}

interface CreateOrgOptions {
  name: string;
  use?: boolean;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

async function createOrg(rt: Runtime, [slug]: string[], opts: CreateOrgOptions): Promise<void> {
  const server = rt.getServer();
  const ctx = rt.context;
  const username = opts.username ?? ctx?.username;
  if (!username) throw new UsageError("creating an organization needs your password: pass --username (and --password-stdin), or log in first");
  if (opts.password === undefined && !opts.passwordStdin && !process.stdin.isTTY) {
    throw new UsageError("creating an organization needs your password (API tokens cannot create organizations): pass --password-stdin or run on a terminal");
  }
  const password = await readPassword(opts);
  const { org, issued } = await withPasswordSession(server, username, password, async ({ client }) => {
    const created = await client.call("createOrg", { body: { slug: slug as string, name: opts.name } });
    if (!ctx) return { org: created, issued: undefined };
    const me = await client.call("getMe");
    const summary = me.organizations.find((o) => o.id === created.id) ?? { id: created.id, slug: created.slug, roles: ["owner"] };
    return { org: created, issued: await issueCliToken(client, summary, username, rt.env.hostname) };
  });
  if (ctx && issued) {
    const orgTokens = { ...ctx.orgTokens, [org.slug]: { orgId: org.id, token: issued.token, tokenId: issued.tokenId, expiresAt: issued.expiresAt } };
    rt.writeConfig(upsertContext(rt.config, { ...ctx, orgTokens, ...(opts.use ? { org: org.slug } : {}) }, false));
  }
  const next = opts.use ? `Context "${ctx?.name}" now uses it.` : `Make it the default with: meridian orgs use ${org.slug}`;
  rt.printer.done(`Organization ${org.slug} created${issued ? ` (CLI token ${issued.name} stored)` : ""}. ${ctx ? next : ""}`.trimEnd(), org);
}

function parseRetention(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === "forever" || value === "none") return null;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--audit-retention-days must be a number of days or 'forever' (got "${value}")`);
  return n;
}

async function updateOrg(rt: Runtime, [ref]: string[], opts: { name?: string; auditRetentionDays?: string }): Promise<void> {
  const retention = parseRetention(opts.auditRetentionDays);
  if (opts.name === undefined && retention === undefined) throw new UsageError("nothing to update: pass --name or --audit-retention-days");
  const orgId = ref ?? rt.getOrg();
  const org = await rt.getClient(orgId).call("updateOrg", {
    params: { orgId },
    body: { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(retention !== undefined ? { auditRetentionDays: retention } : {}) },
  });
  rt.printer.done(`Organization ${org.slug} updated.`, org);
}

async function deleteOrg(rt: Runtime, [ref]: string[], opts: { yes?: boolean }): Promise<void> {
  const orgId = ref as string;
  if (!opts.yes) throw new UsageError(`deleting organization ${orgId} removes all its projects, teams, tokens and audit log; add --yes to confirm`);
  const client = rt.getClient(orgId);
  const org = await client.call("getOrg", { params: { orgId } });
  await client.call("deleteOrg", { params: { orgId } });
  const ctx = rt.context;
  if (ctx && (ctx.orgTokens?.[org.slug] || ctx.org === org.slug || ctx.org === org.id)) {
    const { [org.slug]: _gone, ...orgTokens } = ctx.orgTokens ?? {};
    rt.writeConfig(upsertContext(rt.config, { ...ctx, orgTokens, org: ctx.org === org.slug || ctx.org === org.id ? null : ctx.org }, false));
  }
  rt.printer.done(`Organization ${org.slug} deleted.`);
}

async function useOrg(rt: Runtime, [ref]: string[]): Promise<void> {
  const ctx = rt.context;
  if (!ctx) throw new CliError("no saved context to set the organization on; run `meridian login` first (or pass --org on each command)");
  const orgRef = ref as string;
  const hasOwnToken = Object.entries(ctx.orgTokens ?? {}).some(([slug, t]) => slug === orgRef || t.orgId === orgRef);
  let org: Organization;
  try {
    org = await createApiClient(rt.getServer(), rt.globals.token ?? selectToken(ctx, orgRef)).call("getOrg", { params: { orgId: orgRef } });
  } catch (err) {
    if (!hasOwnToken && err instanceof ApiError && (err.code === "not_found" || err.code === "forbidden")) {
      throw new CliError(
        `organization "${orgRef}" not found for the CLI's token (tokens are bound to one organization). If you are a member, run: meridian login --org ${orgRef}`,
      );
    }
    throw err;
  }
  rt.writeConfig(upsertContext(rt.config, { ...ctx, org: org.slug }, false));
  rt.printer.done(`Context "${ctx.name}" now uses organization ${org.slug}.`, { context: ctx.name, org: org.slug });
}
