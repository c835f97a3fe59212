import type { MeridianClient } from "@meridian/client";
import type { Project } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { collectPages, parseLimit, splitList } from "../paging.js";
import { resolveProjectId, resolveTeamId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

type ProjectRow = Project & { team: string | null };

const columns: Column<ProjectRow>[] = [
  { header: "Slug", value: (p) => p.slug },
  { header: "Name", value: (p) => p.name },
  { header: "Team", value: (p) => p.team },
  { header: "Envs", value: (p) => p.environmentCount },
  { header: "Created", value: (p) => p.createdAt, kind: "time" },
  { header: "ID", value: (p) => p.id, fixed: true },
];
const detailFields: Column<ProjectRow>[] = [...columns.slice(0, 2), { header: "Description", value: (p) => p.description }, ...columns.slice(2)];

export function registerProjectCommands(program: Command, env: CliEnv): void {
  const projects = program.command("projects").alias("project").description("Projects and their environments");
  projects
    .command("list", { isDefault: true })
    .alias("ls")
    .description("Projects you can read")
    .option("--limit <n>", "show at most n")
    .option("-q, --query <text>", "filter by text")
    .action(withRuntime(env, listProjects));
  projects.command("get <project>").description("Show a project (slug, name or id)").action(withRuntime(env, getProject));
  projects
    .command("create <slug>")
    .description("Create a project with its environments")
    .option("--name <name>", "display name (default: the slug)")
    .option("--description <text>", "description")
    .option("--team <team>", "owning team (slug, name or id)")
    .option("--env <slugs>", "environments, comma-separated (default: dev,staging,prod)")
    .action(withRuntime(env, createProject));
  projects
    .command("update <project>")
    .description("Rename, describe or change the owning team")
    .option("--name <name>", "display name")
    .option("--description <text>", "description")
    .option("--team <team>", "owning team")
    .option("--no-team", "remove the owning team")
    .action(withRuntime(env, updateProject));
  projects
    .command("delete <project>")
    .alias("rm")
    .description("Delete a project, its environments and bindings")
    .action(withRuntime(env, deleteProject));
}

/** Team names for display; a caller without team:read just sees ids. */
async function loadTeamNames(client: MeridianClient, orgId: string): Promise<Map<string, string>> {
  try {
    const teams = await collectPages(client, "listTeams", { params: { orgId } });
    return new Map(teams.map((t) => [t.id, t.slug]));
  } catch {
    return new Map();
  }
}

function addTeamName(p: Project, teams: Map<string, string>): ProjectRow {
  return { ...p, team: p.teamId ? (teams.get(p.teamId) ?? p.teamId) : null };
}

async function listProjects(rt: Runtime, _args: string[], opts: { limit?: string; query?: string }): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const items = await collectPages(client, "listProjects", { params: { orgId }, query: opts.query ? { q: opts.query } : {} }, parseLimit(opts.limit));
  if (rt.printer.format !== "table") return rt.printer.list(items, []);
  const teams = items.some((p) => p.teamId) ? await loadTeamNames(client, orgId) : new Map<string, string>();
  rt.printer.list(
    items.map((p) => addTeamName(p, teams)),
    columns,
    "No projects.",
  );
}

async function getProject(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const project = await client.call("getProject", { params: { orgId, projectId: await resolveProjectId(client, orgId, ref as string) } });
  if (rt.printer.format !== "table") return rt.printer.item(project, []);
  rt.printer.item(addTeamName(project, project.teamId ? await loadTeamNames(client, orgId) : new Map()), detailFields);
}

interface CreateOptions {
  name?: string;
  description?: string;
  team?: string;
  env?: string;
}

async function createProject(rt: Runtime, [slug]: string[], opts: CreateOptions): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const environments = opts.env !== undefined ? splitList(opts.env) : undefined;
  const project = await client.call("createProject", {
    params: { orgId },
    body: {
      slug: slug as string,
      name: opts.name ?? (slug as string),
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      ...(opts.team ? { teamId: await resolveTeamId(client, orgId, opts.team) } : {}),
      ...(environments ? { environments } : {}),
    },
  });
  rt.printer.done(`Project ${project.slug} created with ${project.environmentCount} environment(s).`, project);
}

async function updateProject(rt: Runtime, [ref]: string[], opts: { name?: string; description?: string; team?: string | false }): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const body: { name?: string; description?: string; teamId?: string | null } = {};
  if (opts.name !== undefined) body.name = opts.name;
  if (opts.description !== undefined) body.description = opts.description;
  if (opts.team === false) body.teamId = null;
  else if (typeof opts.team === "string") body.teamId = await resolveTeamId(client, orgId, opts.team);
  if (Object.keys(body).length === 0) throw new UsageError("nothing to update: pass --name, --description, --team or --no-team");
  const projectId = await resolveProjectId(client, orgId, ref as string);
  const project = await client.call("updateProject", { params: { orgId, projectId }, body });
  rt.printer.done(`Project ${project.slug} updated.`, project);
}

async function deleteProject(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const projectId = await resolveProjectId(client, orgId, ref as string);
  await client.call("deleteProject", { params: { orgId, projectId } });
  rt.printer.done(`Project ${ref} deleted.`);
}
