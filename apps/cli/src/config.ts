import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { dirname, join } from "node:path";
import { CliError } from "./errors.js";

/**
 * The CLI's only reader of process.env. Everything environment-dependent is captured here once, so the
 * rest of the code takes plain values and unit tests can pass their own.
 */
export interface CliEnv {
  configPath: string;
  server: string | undefined;
  token: string | undefined;
  debug: boolean;
  noColor: boolean;
  hostname: string;
}

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const nonEmpty = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);
  return Object.freeze({
    configPath: getConfigPath(env),
    server: nonEmpty(env.MERIDIAN_SERVER),
    token: nonEmpty(env.MERIDIAN_TOKEN),
    debug: env.MERIDIAN_DEBUG === "1" || env.MERIDIAN_DEBUG === "true",
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== "",
    hostname: hostname(),
  });
}

export function getConfigPath(env: NodeJS.ProcessEnv): string {
  const explicit = env.MERIDIAN_CONFIG;
  if (explicit) return explicit;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "meridian", "config.json");
}

export interface CliContext {
  name: string;
  server: string;
  token: string;
  /** Organization slug (or id) used when --org is not given. */
  org: string | null;
  /** Id of the API token, so logout can revoke it. */
  tokenId?: string;
  username?: string;
  /**
   * API tokens are bound to one organization, so the CLI keeps one per organization it was given
   * (by `orgs create` or `login --org`), keyed by organization slug. `token` is the login's.
   */
  orgTokens?: Record<string, OrgToken>;
}

export interface OrgToken {
  orgId: string;
  token: string;
  tokenId?: string;
  /** RFC 3339; the CLI warns when a login is needed soon. */
  expiresAt?: string;
}

export interface CliConfig {
  current: string | null;
  contexts: CliContext[];
}

export function createEmptyConfig(): CliConfig {
  return { current: null, contexts: [] };
}

export function loadConfig(path: string): CliConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return createEmptyConfig();
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON; fix or delete it`);
  }
  return parseConfig(raw, path);
}

function parseConfig(raw: unknown, path: string): CliConfig {
  const bad = (why: string) => new CliError(`${path}: ${why}; fix or delete the file`);
  if (!raw || typeof raw !== "object") throw bad("expected an object");
  const obj = raw as { current?: unknown; contexts?: unknown };
  const contexts = obj.contexts ?? [];
  if (!Array.isArray(contexts)) throw bad("contexts must be an array");
  const parsed = contexts.map((c: unknown, i): CliContext => {
    const ctx = c as Partial<CliContext> | null;
    if (!ctx || typeof ctx.name !== "string" || typeof ctx.server !== "string" || typeof ctx.token !== "string") {
      throw bad(`contexts[${i}] needs string name, server and token`);
    }
    return {
      name: ctx.name,
      server: ctx.server,
      token: ctx.token,
      org: typeof ctx.org === "string" ? ctx.org : null,
      ...(typeof ctx.tokenId === "string" ? { tokenId: ctx.tokenId } : {}),
      ...(typeof ctx.username === "string" ? { username: ctx.username } : {}),
      ...(ctx.orgTokens && typeof ctx.orgTokens === "object" ? { orgTokens: parseOrgTokens(ctx.orgTokens, i, bad) } : {}),
    };
  });
  const current = typeof obj.current === "string" ? obj.current : null;
  return { current, contexts: parsed };
}

function parseOrgTokens(raw: object, i: number, bad: (why: string) => Error): Record<string, OrgToken> {
  const out: Record<string, OrgToken> = {};
  for (const [slug, v] of Object.entries(raw)) {
    const t = v as Partial<OrgToken> | null;
    if (!t || typeof t.token !== "string" || typeof t.orgId !== "string") throw bad(`contexts[${i}].orgTokens.${slug} needs string orgId and token`);
    out[slug] = {
      orgId: t.orgId,
      token: t.token,
      ...(typeof t.tokenId === "string" ? { tokenId: t.tokenId } : {}),
      ...(typeof t.expiresAt === "string" ? { expiresAt: t.expiresAt } : {}),
    };
  }
  return out;
}

/** The context's own token for an organization (slug or id), if it has one. */
export function findOrgToken(ctx: CliContext, org: string | null | undefined): OrgToken | undefined {
  if (!org || !ctx.orgTokens) return undefined;
  return ctx.orgTokens[org] ?? Object.values(ctx.orgTokens).find((t) => t.orgId === org);
}

/** The token to use for an organization: its own if the CLI has one, else the login token. */
export function selectToken(ctx: CliContext, org: string | null | undefined): string {
  return findOrgToken(ctx, org)?.token ?? ctx.token;
}

/** Every distinct API token a context holds. */
export function listContextTokens(ctx: CliContext): { token: string; tokenId?: string }[] {
  const all = [{ token: ctx.token, ...(ctx.tokenId ? { tokenId: ctx.tokenId } : {}) }, ...Object.values(ctx.orgTokens ?? {})];
  const seen = new Set<string>();
  return all.filter((t) => (seen.has(t.token) ? false : (seen.add(t.token), true)));
}

/** A warning when the config file (which holds tokens) is readable by others, as ssh does for keys. */
export function checkConfigPermissions(path: string): string | undefined {
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) return `warning: ${path} is accessible by other users (mode ${mode.toString(8)}); run: chmod 600 ${path}`;
  } catch {
    // no file yet
  }
  return undefined;
}

/** Writes atomically with mode 0600 in a 0700 directory: the file holds bearer tokens. */
export function saveConfig(path: string, config: CliConfig): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function findContext(config: CliConfig, name: string): CliContext | undefined {
  return config.contexts.find((c) => c.name === name);
}

export function getCurrentContext(config: CliConfig, name?: string): CliContext | undefined {
  const wanted = name ?? config.current;
  if (!wanted) return undefined;
  const ctx = findContext(config, wanted);
  if (!ctx && name) throw new CliError(`no context named "${name}" (see: meridian context list)`);
  return ctx;
}

/** Returns a new config with the context added or replaced (in place), and made current unless told not to. */
export function upsertContext(config: CliConfig, ctx: CliContext, makeCurrent = true): CliConfig {
  const exists = config.contexts.some((c) => c.name === ctx.name);
  const contexts = exists ? config.contexts.map((c) => (c.name === ctx.name ? ctx : c)) : [...config.contexts, ctx];
  return { current: makeCurrent ? ctx.name : config.current, contexts };
}

export function removeContext(config: CliConfig, name: string): CliConfig {
  const contexts = config.contexts.filter((c) => c.name !== name);
  const current = config.current === name ? (contexts[0]?.name ?? null) : config.current;
  return { current, contexts };
}

/** A context name for a server URL: its host (with port), e.g. "127.0.0.1:8080". */
export function deriveContextName(server: string): string {
  try {
    return new URL(server).host || server;
  } catch {
    return server;
  }
}
