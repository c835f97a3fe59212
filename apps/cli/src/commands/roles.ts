import { isKnownPermission, type Role, type RoleBinding } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { appendValue, collectPages, parseLimit, splitList } from "../paging.js";
import { resolveRoleId, resolveScope, resolveTeamId, resolveUserId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

const columns: Column<Role>[] = [
  { header: "Slug", value: (r) => r.slug },
  { header: "Name", value: (r) => r.name },
  { header: "Built-in", value: (r) => r.builtin },
  { header: "Permissions", value: (r) => r.permissions, max: 60 },
  { header: "ID", value: (r) => r.id, fixed: true },
];
const detailFields: Column<Role>[] = [
  ...columns.slice(0, 2),
  { header: "Description", value: (r) => r.description },
  { header: "Built-in", value: (r) => r.builtin },
  { header: "Permissions", value: (r) => r.permissions },
  { header: "Created", value: (r) => r.createdAt, kind: "time" },
  { header: "ID", value: (r) => r.id, fixed: true },
];
const bindingColumns: Column<RoleBinding>[] = [
  { header: "Role", value: (b) => b.roleName },
  { header: "Subject", value: (b) => `${b.subject.kind}:${b.subject.name}` },
  { header: "Scope", value: (b) => b.scopeName },
  { header: "Created", value: (b) => b.createdAt, kind: "time" },
  { header: "By", value: (b) => b.createdBy },
  { header: "ID", value: (b) => b.id, fixed: true },
];

interface BindOptions {
  role: string;
  user?: string;
  team?: string;
  project?: string;
  env?: string;
}

export function registerRoleCommands(program: Command, env: CliEnv): void {
  const roles = program.command("roles").alias("role").description("Roles, permissions and role bindings");
  roles.command("list", { isDefault: true }).alias("ls").description("Built-in and custom roles").option("--limit <n>", "show at most n").action(withRuntime(env, listRoles));
  roles.command("get <role>").description("Show a role (slug, name or id)").action(withRuntime(env, getRole));
  roles
    .command("create <slug>")
    .description("Create a custom role")
    .option("--name <name>", "display name (default: the slug)")
    .option("--description <text>", "description")
    .requiredOption("--permission <perms>", "resource:action, comma-separated or repeated (see: meridian roles permissions)", appendValue)
    .action(withRuntime(env, createRole));
  roles
    .command("update <role>")
    .description("Update a custom role")
    .option("--name <name>", "display name")
    .option("--description <text>", "description")
    .option("--permission <perms>", "replace the permissions (comma-separated or repeated)", appendValue)
    .action(withRuntime(env, updateRole));
  roles.command("delete <role>").alias("rm").description("Delete an unused custom role").action(withRuntime(env, deleteRole));
  roles.command("permissions").description("The permission catalog").action(withRuntime(env, listPermissions));

  const bindings = roles.command("bindings").alias("binding").description("Who has which role where");
  bindings
    .command("list", { isDefault: true })
    .alias("ls")
    .description("List role bindings")
    .option("--user <user>", "only this user's")
    .option("--team <team>", "only this team's")
    .option("--role <role>", "only this role's")
    .option("--limit <n>", "show at most n")
    .action(withRuntime(env, listBindings));
  for (const parent of [roles, bindings]) {
    parent
      .command("bind")
      .description("Give a role to a user or team, organization-wide or at a project/environment")
      .requiredOption("--role <role>", "role slug, name or id")
      .option("--user <user>", "username, email or id")
      .option("--team <team>", "team slug, name or id")
      .option("--project <project>", "limit to a project")
      .option("--env <env>", "limit to an environment of --project")
      .action(withRuntime(env, createBinding));
    parent.command("unbind <bindingId>").description("Remove a role binding").action(withRuntime(env, deleteBinding));
  }
}

async function listRoles(rt: Runtime, _args: string[], opts: { limit?: string }): Promise<void> {
  const items = await collectPages(rt.getClient(), "listRoles", { params: { orgId: rt.getOrg() } }, parseLimit(opts.limit));
  rt.printer.list(items, columns, "No roles.");
}

async function getRole(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  rt.printer.item(await client.call("getRole", { params: { orgId, roleId: await resolveRoleId(client, orgId, ref as string) } }), detailFields);
}

function parsePermissions(values: string[]): string[] {
  const perms = splitList(values);
  const unknown = perms.filter((p) => !isKnownPermission(p));
  if (unknown.length > 0) throw new UsageError(`unknown permission(s): ${unknown.join(", ")} (see: meridian roles permissions; format resource:action, * allowed)`);
  return perms;
}

async function createRole(rt: Runtime, [slug]: string[], opts: { name?: string; description?: string; permission: string[] }): Promise<void> {
  const role = await rt.getClient().call("createRole", {
    params: { orgId: rt.getOrg() },
    body: {
      slug: slug as string,
      name: opts.name ?? (slug as string),
      permissions: parsePermissions(opts.permission),
      ...(opts.description !== undefined ? { description: opts.description } : {}),
    },
  });
  rt.printer.done(`Role ${role.slug} created with ${role.permissions.length} permission(s).`, role);
}

async function updateRole(rt: Runtime, [ref]: string[], opts: { name?: string; description?: string; permission?: string[] }): Promise<void> {
  const body = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.permission !== undefined ? { permissions: parsePermissions(opts.permission) } : {}),
  };
  if (Object.keys(body).length === 0) throw new UsageError("nothing to update: pass --name, --description or --permission");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const role = await client.call("updateRole", { params: { orgId, roleId: await resolveRoleId(client, orgId, ref as string) }, body });
  rt.printer.done(`Role ${role.slug} updated.`, role);
}

async function deleteRole(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  await client.call("deleteRole", { params: { orgId, roleId: await resolveRoleId(client, orgId, ref as string) } });
  rt.printer.done(`Role ${ref} deleted.`);
}

async function listPermissions(rt: Runtime): Promise<void> {
  const { items } = await rt.getClient().call("listPermissions");
  rt.printer.list(items, [
    { header: "Resource", value: (p) => p.resource },
    { header: "Actions", value: (p) => p.actions, max: 80 },
  ]);
}

async function listBindings(rt: Runtime, _args: string[], opts: { user?: string; team?: string; role?: string; limit?: string }): Promise<void> {
  if (opts.user && opts.team) throw new UsageError("use either --user or --team");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const query: { subjectKind?: "user" | "team"; subjectId?: string; roleId?: string } = {};
  if (opts.user) Object.assign(query, { subjectKind: "user", subjectId: await resolveUserId(client, orgId, opts.user) });
  if (opts.team) Object.assign(query, { subjectKind: "team", subjectId: await resolveTeamId(client, orgId, opts.team) });
  if (opts.role) query.roleId = await resolveRoleId(client, orgId, opts.role);
  const items = await collectPages(client, "listRoleBindings", { params: { orgId }, query }, parseLimit(opts.limit));
  rt.printer.list(items, bindingColumns, "No role bindings.");
}

async function createBinding(rt: Runtime, _args: string[], opts: BindOptions): Promise<void> {
  if (Boolean(opts.user) === Boolean(opts.team)) throw new UsageError("pass exactly one of --user or --team");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const roleId = await resolveRoleId(client, orgId, opts.role);
  const subject = opts.user
    ? { kind: "user" as const, id: await resolveUserId(client, orgId, opts.user) }
    : { kind: "team" as const, id: await resolveTeamId(client, orgId, opts.team as string) };
  const scope = await resolveScope(client, orgId, opts.project, opts.env);
  const binding = await client.call("createRoleBinding", { params: { orgId }, body: { roleId, subject, scope } });
  rt.printer.done(`Bound ${binding.roleName} to ${binding.subject.kind} ${binding.subject.name} at ${binding.scopeName} (binding ${binding.id}).`, binding);
}

async function deleteBinding(rt: Runtime, [bindingId]: string[]): Promise<void> {
  await rt.getClient().call("deleteRoleBinding", { params: { orgId: rt.getOrg(), bindingId: bindingId as string } });
  rt.printer.done(`Binding ${bindingId} removed.`);
}
