import type { Command } from "commander";
import { type CliContext, type CliEnv, findContext, removeContext } from "../config.js";
import { CliError } from "../errors.js";
import { type Runtime, withRuntime } from "../runtime.js";

interface ContextRow {
  current: boolean;
  name: string;
  server: string;
  org: string | null;
  username: string | null;
}

export function registerContextCommands(program: Command, env: CliEnv): void {
  const ctx = program.command("context").description("Saved servers and credentials (contexts)");
  ctx.command("list", { isDefault: true }).alias("ls").description("List contexts").action(withRuntime(env, listContexts));
  ctx.command("use <name>").description("Make a context the current one").action(withRuntime(env, useContext));
  ctx.command("current").description("Print the current context's name").action(withRuntime(env, showCurrentContext));
  ctx.command("delete <name>").alias("rm").description("Forget a context (does not revoke its token; see logout)").action(withRuntime(env, deleteContext));
}

function toContextRow(config: { current: string | null }, c: CliContext): ContextRow {
  return { current: config.current === c.name, name: c.name, server: c.server, org: c.org, username: c.username ?? null };
}

async function listContexts(rt: Runtime): Promise<void> {
  const rows = rt.config.contexts.map((c) => toContextRow(rt.config, c));
  rt.printer.list(rows, [
    { header: "", value: (r) => (r.current ? "*" : " ") },
    { header: "Name", value: (r) => r.name },
    { header: "Server", value: (r) => r.server },
    { header: "Org", value: (r) => r.org },
    { header: "User", value: (r) => r.username },
  ], "No contexts. Run: meridian login --server URL");
}

async function useContext(rt: Runtime, [name]: string[]): Promise<void> {
  const found = findContext(rt.config, name as string);
  if (!found) throw new CliError(`no context named "${name}" (see: meridian context list)`);
  rt.writeConfig({ ...rt.config, current: found.name });
  rt.printer.done(`Switched to context "${found.name}" (${found.server}).`, toContextRow({ current: found.name }, found));
}

async function showCurrentContext(rt: Runtime): Promise<void> {
  const current = rt.config.current ? findContext(rt.config, rt.config.current) : undefined;
  if (!current) throw new CliError("no current context; run: meridian login --server URL");
  rt.printer.done(current.name, toContextRow(rt.config, current));
}

async function deleteContext(rt: Runtime, [name]: string[]): Promise<void> {
  if (!findContext(rt.config, name as string)) throw new CliError(`no context named "${name}"`);
  rt.writeConfig(removeContext(rt.config, name as string));
  rt.printer.done(`Context "${name}" deleted.`);
}
