import { createClient, type MeridianClient } from "@meridian/client";
import type { Command } from "commander";
import { type CliConfig, type CliContext, type CliEnv, checkConfigPermissions, findOrgToken, getCurrentContext, loadConfig, saveConfig, selectToken } from "./config.js";
import { CliError, UsageError } from "./errors.js";
import { createPrinter, formatRelativeTime, parseOutputFormat, type Printer } from "./output.js";

export const cliVersion = "0.1.0";

export interface GlobalOptions {
  server?: string;
  token?: string;
  org?: string;
  output?: string;
  context?: string;
}

/** What every command gets: parsed global options, config, the printer and (lazily) an API client. */
export interface Runtime {
  readonly env: CliEnv;
  readonly globals: GlobalOptions;
  readonly printer: Printer;
  readonly config: CliConfig;
  /** The context selected by --context, by a matching --server, or the current one. */
  readonly context: CliContext | undefined;
  readonly stderrIsTTY: boolean;
  getServer(): string;
  /** A client with the token for `org` (default: --org or the context's organization). */
  getClient(org?: string): MeridianClient;
  /** Organization slug or id from --org or the context; throws when neither names one. */
  getOrg(): string;
  writeConfig(config: CliConfig): void;
}

export function normalizeServer(server: string): string {
  const s = server.trim().replace(/\/+$/, "");
  const withScheme = /^https?:\/\//i.test(s) ? s : `http://${s}`;
  try {
    const url = new URL(withScheme);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    throw new UsageError(`--server "${server}" is not a valid URL`);
  }
}

export function createRuntime(globals: GlobalOptions, env: CliEnv): Runtime {
  const format = parseOutputFormat(globals.output);
  const stdoutTTY = Boolean(process.stdout.isTTY);
  const printer = createPrinter({
    format,
    color: stdoutTTY && !env.noColor,
    ...(stdoutTTY && process.stdout.columns ? { width: process.stdout.columns } : {}),
  });
  const config = loadConfig(env.configPath);
  const permissionWarning = checkConfigPermissions(env.configPath);
  if (permissionWarning) printer.note(permissionWarning);
  const serverOverride = globals.server ?? env.server;
  const overrideUrl = serverOverride ? normalizeServer(serverOverride) : undefined;
  let context: CliContext | undefined;
  if (globals.context) context = getCurrentContext(config, globals.context);
  else if (overrideUrl) context = config.contexts.find((c) => normalizeServer(c.server) === overrideUrl);
  else context = getCurrentContext(config);

  const clients = new Map<string, MeridianClient>();
  const getServer = () => {
    const server = overrideUrl ?? context?.server;
    if (!server) throw new CliError("no server configured: run `meridian login --server URL` or pass --server");
    return normalizeServer(server);
  };
  return {
    env,
    globals,
    printer,
    config,
    context,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    getServer,
    getClient(orgRef) {
      const baseUrl = getServer();
      const org = orgRef ?? globals.org ?? context?.org;
      // A token from the config only goes to the server it was issued by.
      const token =
        globals.token ?? env.token ?? (context && normalizeServer(context.server) === baseUrl ? selectToken(context, org) : undefined);
      if (!token) throw new CliError(`not logged in to ${baseUrl}: run \`meridian login --server ${baseUrl}\``);
      let client = clients.get(token);
      if (!client) {
        const own = !globals.token && !env.token && context ? findOrgToken(context, org) : undefined;
        if (own?.expiresAt) warnIfExpiring(printer, own.expiresAt, org as string);
        client = createApiClient(baseUrl, token);
        clients.set(token, client);
      }
      return client;
    },
    getOrg() {
      const org = globals.org ?? context?.org;
      if (!org) throw new CliError("no organization selected: pass --org SLUG or run `meridian orgs use SLUG`");
      return org;
    },
    writeConfig(next) {
      saveConfig(env.configPath, next);
    },
  };
}

const WARN_BEFORE_MS = 7 * 86_400_000;

function warnIfExpiring(printer: Printer, expiresAt: string, org: string, now = Date.now()): void {
  const left = Date.parse(expiresAt) - now;
  if (left > WARN_BEFORE_MS) return;
  const when = left <= 0 ? "has expired" : `expires ${formatRelativeTime(expiresAt, now)}`;
  printer.note(`warning: the CLI's token for ${org} ${when}; run \`meridian login --org ${org}\` for a new one`);
}

export function createApiClient(baseUrl: string, token?: string, extra: Partial<Parameters<typeof createClient>[0]> = {}): MeridianClient {
  return createClient({
    baseUrl,
    ...(token ? { token } : {}),
    headers: { "user-agent": `meridian-cli/${cliVersion}`, ...extra.headers },
    ...(extra.csrfToken ? { csrfToken: extra.csrfToken } : {}),
  });
}

/** Wraps a commander action: builds the runtime from global options, passes positionals and local options. */
export function withRuntime<O>(env: CliEnv, fn: (rt: Runtime, args: string[], opts: O) => Promise<void>) {
  return async (...raw: unknown[]) => {
    const cmd = raw[raw.length - 1] as Command;
    const rt = createRuntime(cmd.optsWithGlobals() as GlobalOptions, env);
    const args = cmd.processedArgs.filter((a): a is string => typeof a === "string");
    await fn(rt, args, cmd.opts() as O);
  };
}
