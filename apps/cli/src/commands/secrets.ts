import { readFileSync } from "node:fs";
import type { RouteResponse, Routes } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { promptHidden, promptLine, readAllStdin } from "../prompt.js";
import { resolveEnvironmentId, resolveProjectId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

type Secret = RouteResponse<Routes["listOrgSecrets"]>["items"][number];

interface ScopeOptions {
  project?: string;
  env?: string;
}

interface SetOptions extends ScopeOptions {
  valueFile?: string;
  value?: string;
}

const secretName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function registerSecretCommands(program: Command, env: CliEnv): void {
  const secrets = program.command("secrets").alias("secret").description("Secrets apps reference by name (values are write-only: never shown again)");
  const scope = (cmd: Command) =>
    cmd.option("-p, --project <project>", "project scope (default: the organization)").option("-e, --env <env>", "environment scope (needs --project)");
  scope(secrets.command("list", { isDefault: true }).alias("ls").description("Secret names, scopes and versions (never values)")).action(withRuntime(env, listSecrets));
  scope(secrets.command("set <name>").description("Create a secret, or add a version of it (rotation)"))
    .option("--value-file <file>", "read the value from a file, byte for byte")
    .option("--value <value>", "the value itself (visible in shell history and the process list: prefer stdin or --value-file)")
    .addHelpText(
      "after",
      `
The value comes from --value-file, else from stdin when it is not a terminal (one trailing newline dropped, so
\`echo "$TOKEN" | meridian secrets set ...\` works), else from a prompt that does not echo.
Scope: the organization, or --project P, or --project P --env E. An app's secret reference is looked up in its
environment first, then its project, then the organization.

Examples:
  meridian secrets set api-token --project shop < token.txt
  meridian secrets set db-password --project shop --env prod            (prompts)
  meridian secrets set tls-key --project shop --value-file ./tls.key`,
    )
    .action(withRuntime(env, setSecret));
  scope(secrets.command("delete <name>").alias("rm").description("Delete a secret (all its versions)"))
    .option("--yes", "do not ask (required when stdin is not a terminal)")
    .action(withRuntime(env, deleteSecret));
}

interface ResolvedScope {
  orgId: string;
  projectId?: string;
  environmentId?: string;
  /** "organization", "project shop", "shop/prod" */
  label: string;
}

async function resolveSecretScope(rt: Runtime, opts: ScopeOptions): Promise<ResolvedScope> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  if (!opts.project) {
    if (opts.env) throw new UsageError("--env needs --project");
    return { orgId, label: `organization ${orgId}` };
  }
  const projectId = await resolveProjectId(client, orgId, opts.project);
  if (!opts.env) return { orgId, projectId, label: `project ${opts.project}` };
  return { orgId, projectId, environmentId: await resolveEnvironmentId(client, orgId, projectId, opts.env), label: `${opts.project}/${opts.env}` };
}

function checkName(name: string | undefined): string {
  if (!name || name.length > 63 || !secretName.test(name)) throw new UsageError(`secret name "${name ?? ""}" is not valid: up to 63 lowercase letters, digits and '-'`);
  return name;
}

async function listSecrets(rt: Runtime, _args: string[], opts: ScopeOptions): Promise<void> {
  const s = await resolveSecretScope(rt, opts);
  const client = rt.getClient();
  let items: Secret[];
  const envSlugs = new Map<string, string>();
  if (s.environmentId && s.projectId) {
    items = (await client.call("listEnvironmentSecrets", { params: { orgId: s.orgId, projectId: s.projectId, environmentId: s.environmentId } })).items;
  } else if (s.projectId) {
    items = (await client.call("listProjectSecrets", { params: { orgId: s.orgId, projectId: s.projectId } })).items;
    if (items.some((i) => i.environmentId)) {
      for (const e of (await client.call("listEnvironments", { params: { orgId: s.orgId, projectId: s.projectId } })).items) envSlugs.set(e.id, e.slug);
    }
  } else {
    items = (await client.call("listOrgSecrets", { params: { orgId: s.orgId } })).items;
  }
  const columns: Column<Secret>[] = [
    { header: "Name", value: (x) => x.name },
    { header: "Scope", value: (x) => (x.scope === "environment" ? `env ${(x.environmentId && envSlugs.get(x.environmentId)) ?? opts.env ?? x.environmentId}` : x.scope) },
    { header: "Version", value: (x) => x.version },
    { header: "Versions", value: (x) => x.versions },
    { header: "By", value: (x) => x.createdBy },
    { header: "Updated", value: (x) => x.createdAt, kind: "time" },
  ];
  rt.printer.list(items, columns, `No secrets in ${s.label}.`);
}

const dropNewline = (v: string) => v.replace(/\r?\n$/, "");

async function readValue(name: string, opts: SetOptions, rt: Runtime): Promise<string> {
  const given = [opts.valueFile !== undefined, opts.value !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError("give --value-file or --value, not both");
  if (opts.value !== undefined) {
    rt.printer.note("warning: --value leaves the secret in your shell history and the process list; prefer stdin or --value-file");
    return opts.value;
  }
  if (opts.valueFile !== undefined) {
    try {
      return readFileSync(opts.valueFile, "utf8");
    } catch (err) {
      throw new CliError(`cannot read --value-file ${opts.valueFile}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
  }
  if (!process.stdin.isTTY) return dropNewline(await readAllStdin());
  return promptHidden(`Value of secret ${name}: `);
}

async function setSecret(rt: Runtime, [raw]: string[], opts: SetOptions): Promise<void> {
  const name = checkName(raw);
  const s = await resolveSecretScope(rt, opts);
  const value = await readValue(name, opts, rt);
  if (value === "") throw new CliError(`the value of secret ${name} is empty; nothing was stored`);
  const client = rt.getClient();
  const body = { value };
  const secret = s.environmentId && s.projectId
    ? await client.call("putEnvironmentSecret", { params: { orgId: s.orgId, projectId: s.projectId, environmentId: s.environmentId, name }, body })
    : s.projectId
      ? await client.call("putProjectSecret", { params: { orgId: s.orgId, projectId: s.projectId, name }, body })
      : await client.call("putOrgSecret", { params: { orgId: s.orgId, name }, body });
  rt.printer.done(`secret ${name} ${secret.version === 1 ? "created" : "updated"} in ${s.label} (version ${secret.version})`, secret);
}

async function deleteSecret(rt: Runtime, [raw]: string[], opts: ScopeOptions & { yes?: boolean }): Promise<void> {
  const name = checkName(raw);
  const s = await resolveSecretScope(rt, opts);
  if (!opts.yes) {
    if (!process.stdin.isTTY) throw new UsageError(`refusing to delete secret ${name} without --yes (stdin is not a terminal)`);
    const answer = await promptLine(`Delete secret ${name} of ${s.label} with all its versions? Deploys of apps that use it will fail. [y/N] `);
    if (!/^y(es)?$/i.test(answer)) throw new CliError("cancelled");
  }
  const client = rt.getClient();
  if (s.environmentId && s.projectId) await client.call("deleteEnvironmentSecret", { params: { orgId: s.orgId, projectId: s.projectId, environmentId: s.environmentId, name } });
  else if (s.projectId) await client.call("deleteProjectSecret", { params: { orgId: s.orgId, projectId: s.projectId, name } });
  else await client.call("deleteOrgSecret", { params: { orgId: s.orgId, name } });
  rt.printer.done(`secret ${name} deleted from ${s.label}`);
}
