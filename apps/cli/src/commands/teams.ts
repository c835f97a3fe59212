import type { Team } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { collectPages, parseLimit } from "../paging.js";
import { resolveTeamId, resolveUserId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

const columns: Column<Team>[] = [
  { header: "Slug", value: (t) => t.slug },
  { header: "Name", value: (t) => t.name },
  { header: "Members", value: (t) => t.memberCount },
  { header: "Created", value: (t) => t.createdAt, kind: "time" },
  { header: "ID", value: (t) => t.id, fixed: true },
];
const detailFields: Column<Team>[] = [...columns.slice(0, 2), { header: "Description", value: (t) => t.description }, ...columns.slice(2)];

export function registerTeamCommands(program: Command, env: CliEnv): void {
  const teams = program.command("teams").alias("team").description("Teams");
  teams.command("list", { isDefault: true }).alias("ls").description("Teams").option("--limit <n>", "show at most n").action(withRuntime(env, listTeams));
  teams.command("get <team>").description("Show a team (slug, name or id)").action(withRuntime(env, getTeam));
  teams
    .command("create <slug>")
    .description("Create a team")
    .option("--name <name>", "display name (default: the slug)")
    .option("--description <text>", "description")
    .action(withRuntime(env, createTeam));
  teams
    .command("update <team>")
    .description("Rename or describe a team")
    .option("--name <name>", "display name")
    .option("--description <text>", "description")
    .action(withRuntime(env, updateTeam));
  teams.command("delete <team>").alias("rm").description("Delete a team and its role bindings").action(withRuntime(env, deleteTeam));
  teams.command("members <team>").description("Members of a team").action(withRuntime(env, listTeamMembers));
  teams.command("add-member <team> <user>").description("Add an organization member (username, email or id) to a team").action(withRuntime(env, addTeamMember));
  teams.command("remove-member <team> <user>").description("Remove a member from a team").action(withRuntime(env, removeTeamMember));
}

async function listTeams(rt: Runtime, _args: string[], opts: { limit?: string }): Promise<void> {
  const items = await collectPages(rt.getClient(), "listTeams", { params: { orgId: rt.getOrg() } }, parseLimit(opts.limit));
  rt.printer.list(items, columns, "No teams.");
}

async function getTeam(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const team = await client.call("getTeam", { params: { orgId, teamId: await resolveTeamId(client, orgId, ref as string) } });
  rt.printer.item(team, detailFields);
}

async function createTeam(rt: Runtime, [slug]: string[], opts: { name?: string; description?: string }): Promise<void> {
  const team = await rt.getClient().call("createTeam", {
    params: { orgId: rt.getOrg() },
    body: { slug: slug as string, name: opts.name ?? (slug as string), ...(opts.description !== undefined ? { description: opts.description } : {}) },
  });
  rt.printer.done(`Team ${team.slug} created.`, team);
}

async function updateTeam(rt: Runtime, [ref]: string[], opts: { name?: string; description?: string }): Promise<void> {
  const body = { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(opts.description !== undefined ? { description: opts.description } : {}) };
  if (Object.keys(body).length === 0) throw new UsageError("nothing to update: pass --name or --description");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const team = await client.call("updateTeam", { params: { orgId, teamId: await resolveTeamId(client, orgId, ref as string) }, body });
  rt.printer.done(`Team ${team.slug} updated.`, team);
}

async function deleteTeam(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  await client.call("deleteTeam", { params: { orgId, teamId: await resolveTeamId(client, orgId, ref as string) } });
  rt.printer.done(`Team ${ref} deleted.`);
}

async function listTeamMembers(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const { items } = await client.call("listTeamMembers", { params: { orgId, teamId: await resolveTeamId(client, orgId, ref as string) } });
  rt.printer.list(
    items,
    [
      { header: "Username", value: (m) => m.username },
      { header: "Name", value: (m) => m.displayName },
      { header: "ID", value: (m) => m.userId, fixed: true },
    ],
    `Team ${ref} has no members.`,
  );
}

async function changeMembership(rt: Runtime, teamRef: string, userRef: string, add: boolean): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const teamId = await resolveTeamId(client, orgId, teamRef);
  const userId = await resolveUserId(client, orgId, userRef);
  await client.call(add ? "addTeamMember" : "removeTeamMember", { params: { orgId, teamId, userId } });
  rt.printer.done(add ? `Added ${userRef} to team ${teamRef}.` : `Removed ${userRef} from team ${teamRef}.`);
}

async function addTeamMember(rt: Runtime, [team, user]: string[]): Promise<void> {
  await changeMembership(rt, team as string, user as string, true);
}

async function removeTeamMember(rt: Runtime, [team, user]: string[]): Promise<void> {
  await changeMembership(rt, team as string, user as string, false);
}
