import type { MeridianClient } from "@meridian/client";
import type { Me, Role } from "@meridian/core";
import type { Command } from "commander";
import { type CliEnv, deriveContextName, listContextTokens, removeContext, upsertContext } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { collectPages } from "../paging.js";
import { promptHidden, promptLine, readAllStdin } from "../prompt.js";
import { createApiClient, type Runtime, withRuntime } from "../runtime.js";

const TOKEN_DAYS = 90;

interface LoginOptions {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

export function registerAuthCommands(program: Command, env: CliEnv): void {
  program
    .command("login")
    .description("Log in to a Meridian server and store an API token for the CLI")
    .option("--username <username>", "log in with a username and password (the CLI then creates its own API token)")
    .option("--password <password>", "password (prompted for when omitted on a terminal)")
    .option("--password-stdin", "read the password from stdin")
    .addHelpText("after", "\nWith --token T (global flag) the token is verified and stored instead.\nThe --server URL is remembered in a context named after its host (or --context NAME).")
    .action(withRuntime<LoginOptions>(env, loginUser));

  program
    .command("logout")
    .description("Revoke the CLI's API token and forget the context")
    .action(withRuntime(env, logoutUser));

  program
    .command("whoami")
    .description("Show the logged-in user, server and organization")
    .action(withRuntime(env, showWhoami));
}

async function loginUser(rt: Runtime, _args: string[], opts: LoginOptions): Promise<void> {
  const server = rt.getServer();
  const contextName = rt.globals.context ?? rt.context?.name ?? deriveContextName(server);
  let stored: StoredLogin;
  if (rt.globals.token) {
    if (opts.username || opts.password || opts.passwordStdin) throw new UsageError("use either --token or --username/--password, not both");
    stored = await verifyToken(server, rt.globals.token, rt.globals.org);
  } else {
    const username = opts.username ?? (process.stdin.isTTY ? await promptLine("Username: ") : undefined);
    if (!username) throw new UsageError("pass --username U (with --password, --password-stdin or a terminal prompt) or --token T");
    const password = await readPassword(opts);
    if (!password) throw new UsageError("empty password");
    // a re-login stays in the organization the context was using unless --org says otherwise
    stored = await createCliToken(server, username, password, rt.globals.org, rt.env.hostname, rt.context?.org ?? undefined);
  }
  await saveLogin(rt, server, contextName, stored);
}

export interface StoredLogin {
  token: string;
  tokenId?: string;
  expiresAt?: string;
  org: string;
  orgId: string;
  username: string;
  summary: string;
}

/** Saves a login's token in its context (keeping the user's other organization tokens) and reports it. */
export async function saveLogin(rt: Runtime, server: string, contextName: string, stored: StoredLogin): Promise<void> {
  const previous = rt.config.contexts.find((c) => c.name === contextName);
  // Tokens for the user's other organizations survive a new login; the new one joins them.
  const keep = previous && previous.username === stored.username && previous.server === server ? previous.orgTokens : undefined;
  const orgToken = {
    orgId: stored.orgId,
    token: stored.token,
    ...(stored.tokenId ? { tokenId: stored.tokenId } : {}),
    ...(stored.expiresAt ? { expiresAt: stored.expiresAt } : {}),
  };
  const replaced = keep?.[stored.org];
  if (replaced && replaced.token !== stored.token) {
    // the previous CLI token for this organization would otherwise live on unused until it expires
    await revokeOwnToken(server, replaced.token, replaced.tokenId).catch(() => undefined);
  }
  rt.writeConfig(
    upsertContext(rt.config, {
      name: contextName,
      orgTokens: { ...keep, [stored.org]: orgToken },
      server,
      token: stored.token,
      org: stored.org,
      username: stored.username,
      ...(stored.tokenId ? { tokenId: stored.tokenId } : {}),
    }),
  );
  rt.printer.done(`Logged in to ${server} as ${stored.username} (organization ${stored.org}). ${stored.summary}\nContext "${contextName}" saved in ${rt.env.configPath}.`, {
    context: contextName,
    server,
    username: stored.username,
    org: stored.org,
  });
}

export async function readPassword(opts: LoginOptions): Promise<string> {
  if (opts.password !== undefined) {
    if (opts.passwordStdin) throw new UsageError("use either --password or --password-stdin");
    return opts.password;
  }
  if (opts.passwordStdin) return (await readAllStdin()).replace(/\r?\n$/, "");
  if (process.stdin.isTTY) return promptHidden("Password: ");
  throw new UsageError("no password: pass --password, --password-stdin or run on a terminal");
}

function pickOrg(me: Me, orgRef: string | undefined, server: string, preferred?: string) {
  if (me.organizations.length === 0) {
    throw new CliError(
      `${me.user.username} belongs to no organization on ${server}, so the CLI cannot create its API token there; nothing was stored. ` +
        "Create an organization in the web UI or accept an invitation, then log in again.",
    );
  }
  if (!orgRef) {
    const first = me.organizations[0] as Me["organizations"][number];
    return me.organizations.find((o) => o.slug === preferred || o.id === preferred) ?? first;
  }
  const org = me.organizations.find((o) => o.slug === orgRef || o.id === orgRef);
  if (!org) throw new CliError(`${me.user.username} is not a member of organization "${orgRef}" (member of: ${me.organizations.map((o) => o.slug).join(", ")})`);
  return org;
}

/** The most powerful of the given roles: a full wildcard wins, then the most permissions. */
export function pickHighestRole(roles: readonly Role[], held: readonly string[]): Role | undefined {
  const wanted = new Set(held.map((h) => h.toLowerCase()));
  const mine = roles.filter((r) => wanted.has(r.id) || wanted.has(r.slug.toLowerCase()) || wanted.has(r.name.toLowerCase()));
  const score = (r: Role) => (r.permissions.includes("*:*") ? Number.MAX_SAFE_INTEGER : r.permissions.length);
  return [...mine].sort((a, b) => score(b) - score(a))[0];
}

function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll("-", "");
}

/** A cookie session opened with a password, for the few things API tokens may not do. */
export interface PasswordSession {
  client: MeridianClient;
  me: Me;
}

export async function withPasswordSession<T>(server: string, username: string, password: string, fn: (s: PasswordSession) => Promise<T>): Promise<T> {
  const insecure = describeInsecureServer(server);
  if (insecure) process.stderr.write(`${insecure}\n`);
  const anon = createApiClient(server);
  const res = await anon.raw("login", { body: { username, password } });
  const login = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!cookie) throw new CliError("the server answered the login without a session cookie");
  const client = createApiClient(server, undefined, { headers: { cookie }, csrfToken: () => login.csrfToken });
  try {
    return await fn({ client, me: await client.call("getMe") });
  } finally {
    await endSession(client);
  }
}

/** Passwords over plain HTTP are fine on this machine, worth a warning anywhere else. */
export function describeInsecureServer(server: string): string | undefined {
  const url = new URL(server);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) || url.hostname.startsWith("127.");
  if (url.protocol === "http:" && !loopback) return `warning: sending your password to ${url.host} over plain HTTP; use https:// unless this network is trusted`;
  return undefined;
}

export interface IssuedToken {
  token: string;
  tokenId: string;
  expiresAt: string;
  name: string;
  roleName: string;
}

/** Creates the CLI's own API token in an organization, with the caller's most powerful org-wide role. */
export async function issueCliToken(session: MeridianClient, org: { id: string; slug: string; roles: string[] }, username: string, hostname: string): Promise<IssuedToken> {
  const roles = await collectPages(session, "listRoles", { params: { orgId: org.id } });
  const role = pickHighestRole(roles, org.roles);
  if (!role) throw new CliError(`${username} holds no organization-wide role in ${org.slug}; ask an admin, or log in with --token`);
  const name = `cli-${hostname}-${formatDate(new Date())}`.slice(0, 100);
  const created = await session.call("createToken", {
    params: { orgId: org.id },
    body: { name, roleId: role.id, expiresInDays: TOKEN_DAYS },
  });
  return { token: created.token, tokenId: created.id, expiresAt: created.expiresAt, name: created.name, roleName: role.name };
}

export async function createCliToken(server: string, username: string, password: string, orgRef: string | undefined, hostname: string, preferred?: string) {
  return withPasswordSession(server, username, password, async ({ client, me }) => {
    const org = pickOrg(me, orgRef, server, preferred);
    const issued = await issueCliToken(client, org, username, hostname);
    return {
      token: issued.token,
      tokenId: issued.tokenId,
      expiresAt: issued.expiresAt,
      org: org.slug,
      orgId: org.id,
      username: me.user.username,
      summary: `Created API token ${issued.name} (role ${issued.roleName}, expires in ${TOKEN_DAYS} days).`,
    };
  });
}

async function endSession(session: MeridianClient): Promise<void> {
  try {
    await session.call("logout");
  } catch {
    // The token is what matters; an unended session expires on its own.
  }
}

async function verifyToken(server: string, token: string, orgRef: string | undefined) {
  const me = await createApiClient(server, token).call("getMe");
  const tokenOrg = me.organizations.find((o) => o.id === me.tokenOrganizationId);
  const org = orgRef ? pickOrg(me, orgRef, server) : (tokenOrg ?? pickOrg(me, undefined, server));
  return { token, org: org.slug, orgId: org.id, username: me.user.username, summary: "Token verified." };
}

/** Revokes an API token using itself; finds its id from its prefix when the config lacks it. */
async function revokeOwnToken(server: string, token: string, tokenId: string | undefined): Promise<void> {
  const client = createApiClient(server, token);
  const { tokenOrganizationId: orgId } = await client.call("getMe");
  if (!orgId) return;
  let id = tokenId;
  if (!id) {
    const tokens = await collectPages(client, "listTokens", { params: { orgId } });
    id = tokens.find((t) => !t.revokedAt && token.startsWith(t.prefix))?.id;
  }
  if (id) await client.call("revokeToken", { params: { orgId, tokenId: id } });
}

async function logoutUser(rt: Runtime): Promise<void> {
  const ctx = rt.context;
  if (!ctx) throw new CliError("not logged in (no current context)");
  const tokens = listContextTokens(ctx);
  let revoked = 0;
  for (const t of tokens) {
    try {
      await revokeOwnToken(ctx.server, t.token, t.tokenId);
      revoked++;
    } catch (err) {
      rt.printer.note(`warning: could not revoke a CLI token on ${ctx.server}: ${(err as Error).message}`);
    }
  }
  rt.writeConfig(removeContext(rt.config, ctx.name));
  rt.printer.done(`Logged out of ${ctx.server}; revoked ${revoked} CLI token(s); context "${ctx.name}" removed.`, {
    ok: true,
    context: ctx.name,
    revoked,
  });
}

interface WhoamiView {
  username: string;
  displayName: string;
  email: string | null;
  server: string;
  context: string | null;
  authMethod: string;
  org: string | null;
  organizations: string[];
}

async function showWhoami(rt: Runtime): Promise<void> {
  const me = await rt.getClient().call("getMe");
  const org = rt.globals.org ?? rt.context?.org ?? null;
  const view: WhoamiView = {
    username: me.user.username,
    displayName: me.user.displayName,
    email: me.user.email,
    server: rt.getServer(),
    context: rt.context?.name ?? null,
    authMethod: me.authMethod,
    org,
    organizations: me.organizations.map((o) => `${o.slug} (${o.roles.join(", ") || "no org-wide role"})`),
  };
  if (rt.printer.format !== "table") {
    const { csrfToken: _csrf, ...rest } = me;
    rt.printer.item({ ...rest, server: view.server, context: view.context, org }, []);
    return;
  }
  const fields: Column<WhoamiView>[] = [
    { header: "User", value: (v) => v.username },
    { header: "Name", value: (v) => v.displayName },
    { header: "Email", value: (v) => v.email },
    { header: "Server", value: (v) => v.server },
    { header: "Context", value: (v) => v.context },
    { header: "Auth", value: (v) => v.authMethod },
    { header: "Organization", value: (v) => v.org },
    { header: "Member of", value: (v) => v.organizations, max: 200 },
  ];
  rt.printer.item(view, fields);
}
