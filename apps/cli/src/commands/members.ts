import type { Member } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { appendValue, collectPages, parseLimit, splitList } from "../paging.js";
import { resolveRoleIds, resolveUserId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

const columns: Column<Member>[] = [
  { header: "Username", value: (m) => m.username },
  { header: "Name", value: (m) => m.displayName },
  { header: "Email", value: (m) => m.email },
  { header: "Roles", value: (m) => m.roles.map((r) => r.roleName) },
  { header: "Teams", value: (m) => m.teams.map((t) => t.name) },
  { header: "Joined", value: (m) => m.joinedAt, kind: "time" },
  { header: "ID", value: (m) => m.userId, fixed: true },
];

export function registerMemberCommands(program: Command, env: CliEnv): void {
  const members = program.command("members").alias("member").description("Organization members");
  members
    .command("list", { isDefault: true })
    .alias("ls")
    .description("Members with their organization roles and teams")
    .option("--limit <n>", "show at most n")
    .option("-q, --query <text>", "filter by text")
    .action(withRuntime(env, listMembers));
  members.command("get <user>").description("Show a member (username, email or id)").action(withRuntime(env, getMember));
  members
    .command("set-roles <user>")
    .description("Replace a member's organization-wide roles")
    .requiredOption("--role <role>", "role slug, name or id (comma-separated or repeated)", appendValue)
    .action(withRuntime(env, setMemberRoles));
  members.command("remove <user>").alias("rm").description("Remove a member with their bindings and tokens").action(withRuntime(env, removeMember));
}

async function listMembers(rt: Runtime, _args: string[], opts: { limit?: string; query?: string }): Promise<void> {
  const query = opts.query ? { q: opts.query } : {};
  const items = await collectPages(rt.getClient(), "listMembers", { params: { orgId: rt.getOrg() }, query }, parseLimit(opts.limit));
  rt.printer.list(items, columns, "No members.");
}

async function getMember(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const member = await client.call("getMember", { params: { orgId, userId: await resolveUserId(client, orgId, ref as string) } });
  rt.printer.item(member, columns);
}

async function setMemberRoles(rt: Runtime, [ref]: string[], opts: { role: string[] }): Promise<void> {
  const refs = splitList(opts.role);
  if (refs.length === 0) throw new UsageError("--role needs at least one role");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const userId = await resolveUserId(client, orgId, ref as string);
  const roleIds = await resolveRoleIds(client, orgId, refs);
  const member = await client.call("setMemberRoles", { params: { orgId, userId }, body: { roleIds } });
  rt.printer.done(`${member.username} now has: ${member.roles.map((r) => r.roleName).join(", ")}.`, member);
}

async function removeMember(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  await client.call("removeMember", { params: { orgId, userId: await resolveUserId(client, orgId, ref as string) } });
  rt.printer.done(`Removed ${ref} from the organization.`);
}
