import type { Environment } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { parsePositiveInt } from "../paging.js";
import { resolveEnvironmentId, resolveProjectId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

const columns: Column<Environment>[] = [
  { header: "Slug", value: (e) => e.slug },
  { header: "Name", value: (e) => e.name },
  { header: "Position", value: (e) => e.position },
  { header: "Protected", value: (e) => e.protected },
  { header: "Created", value: (e) => e.createdAt, kind: "time" },
  { header: "ID", value: (e) => e.id, fixed: true },
];

interface EnvOptions {
  project: string;
  name?: string;
  protected?: boolean;
  position?: string;
}

export function registerEnvCommands(program: Command, env: CliEnv): void {
  const envs = program.command("envs").alias("env").description("Environments of a project");
  const projectFlag = ["-p, --project <project>", "project slug, name or id"] as const;
  envs
    .command("list", { isDefault: true })
    .alias("ls")
    .description("Environments of a project, in order")
    .requiredOption(...projectFlag)
    .action(withRuntime(env, listEnvs));
  envs.command("get <env>").description("Show an environment").requiredOption(...projectFlag).action(withRuntime(env, getEnv));
  envs
    .command("create <slug>")
    .description("Add an environment to a project")
    .requiredOption(...projectFlag)
    .option("--name <name>", "display name")
    .option("--protected", "production-like: changes need approvals")
    .option("--position <n>", "order among the project's environments")
    .action(withRuntime(env, createEnv));
  envs
    .command("update <env>")
    .description("Rename, reorder or protect an environment")
    .requiredOption(...projectFlag)
    .option("--name <name>", "display name")
    .option("--protected", "mark protected")
    .option("--no-protected", "mark unprotected")
    .option("--position <n>", "order among the project's environments")
    .action(withRuntime(env, updateEnv));
  envs.command("delete <env>").alias("rm").description("Delete an environment").requiredOption(...projectFlag).action(withRuntime(env, deleteEnv));
}

async function resolveEnvTarget(rt: Runtime, project: string, envRef?: string) {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const projectId = await resolveProjectId(client, orgId, project);
  const environmentId = envRef ? await resolveEnvironmentId(client, orgId, projectId, envRef) : "";
  return { client, orgId, projectId, environmentId };
}

async function listEnvs(rt: Runtime, _args: string[], opts: EnvOptions): Promise<void> {
  const { client, orgId, projectId } = await resolveEnvTarget(rt, opts.project);
  const { items } = await client.call("listEnvironments", { params: { orgId, projectId } });
  rt.printer.list(items, columns, "No environments.");
}

async function getEnv(rt: Runtime, [ref]: string[], opts: EnvOptions): Promise<void> {
  const { client, orgId, projectId, environmentId } = await resolveEnvTarget(rt, opts.project, ref);
  rt.printer.item(await client.call("getEnvironment", { params: { orgId, projectId, environmentId } }), columns);
}

async function createEnv(rt: Runtime, [slug]: string[], opts: EnvOptions): Promise<void> {
  const { client, orgId, projectId } = await resolveEnvTarget(rt, opts.project);
  const position = parsePositiveInt("--position", opts.position);
  const created = await client.call("createEnvironment", {
    params: { orgId, projectId },
    body: {
      slug: slug as string,
      ...(opts.name !== undefined ? { name: opts.name } : {}),
      protected: opts.protected === true,
      ...(position !== undefined ? { position } : {}),
    },
  });
  rt.printer.done(`Environment ${created.slug} added to ${opts.project}${created.protected ? " (protected)" : ""}.`, created);
}

async function updateEnv(rt: Runtime, [ref]: string[], opts: EnvOptions): Promise<void> {
  const position = parsePositiveInt("--position", opts.position);
  const body = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.protected !== undefined ? { protected: opts.protected } : {}),
    ...(position !== undefined ? { position } : {}),
  };
  if (Object.keys(body).length === 0) throw new UsageError("nothing to update: pass --name, --[no-]protected or --position");
  const { client, orgId, projectId, environmentId } = await resolveEnvTarget(rt, opts.project, ref);
  const updated = await client.call("updateEnvironment", { params: { orgId, projectId, environmentId }, body });
  rt.printer.done(`Environment ${updated.slug} updated.`, updated);
}

async function deleteEnv(rt: Runtime, [ref]: string[], opts: EnvOptions): Promise<void> {
  const { client, orgId, projectId, environmentId } = await resolveEnvTarget(rt, opts.project, ref);
  await client.call("deleteEnvironment", { params: { orgId, projectId, environmentId } });
  rt.printer.done(`Environment ${ref} deleted from ${opts.project}.`);
}
