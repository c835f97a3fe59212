import type { Invitation } from "@meridian/core";
import type { Command } from "commander";
import type { Column } from "../output.js";
import { appendValue, collectPages, parseLimit, parsePositiveInt, splitList } from "../paging.js";
import { isUuid, pickOne, resolveRoleId, resolveTeamIds } from "../resolve.js";
import { type CliEnv, deriveContextName } from "../config.js";
import { UsageError } from "../errors.js";
import { createApiClient, type Runtime, withRuntime } from "../runtime.js";
import { createCliToken, readPassword, saveLogin, withPasswordSession } from "./auth.js";

const columns: Column<Invitation>[] = [
  { header: "Email", value: (i) => i.email },
  { header: "Role", value: (i) => i.roleName },
  { header: "Status", value: (i) => i.status },
  { header: "Invited by", value: (i) => i.invitedBy },
  { header: "Expires", value: (i) => i.expiresAt, kind: "time" },
  { header: "Created", value: (i) => i.createdAt, kind: "time" },
  { header: "ID", value: (i) => i.id, fixed: true },
];

export function registerInviteCommands(program: Command, env: CliEnv): void {
  const invites = program.command("invites").alias("invite").description("Invitations to the organization");
  invites
    .command("list", { isDefault: true })
    .alias("ls")
    .description("Invitations, newest first")
    .option("--limit <n>", "show at most n")
    .option("--pending", "only pending invitations")
    .action(withRuntime(env, listInvites));
  invites
    .command("create <email>")
    .description("Invite someone by email; prints the link to share")
    .requiredOption("--role <role>", "organization role (slug, name or id)")
    .option("--team <team>", "team to join (comma-separated or repeated)", appendValue)
    .option("--expires-in-days <n>", "days the link stays valid (1-30, default 7)")
    .action(withRuntime(env, createInvite));
  invites
    .command("accept <link>")
    .description("Accept an invitation (its link or token): sign up, or join with --existing, then log the CLI in")
    .requiredOption("--username <username>", "the account to create (or, with --existing, yours)")
    .option("--password <password>", "password (prompted for on a terminal)")
    .option("--password-stdin", "read the password from stdin")
    .option("--display-name <name>", "display name for a new account")
    .option("--existing", "join with an account you already have")
    .option("--no-login", "do not store a CLI token afterwards")
    .action(withRuntime(env, acceptInvite));
  invites.command("revoke <invitation>").description("Revoke a pending invitation (id or email)").action(withRuntime(env, revokeInvite));
}

async function listInvites(rt: Runtime, _args: string[], opts: { limit?: string; pending?: boolean }): Promise<void> {
  const items = await collectPages(rt.getClient(), "listInvitations", { params: { orgId: rt.getOrg() } }, parseLimit(opts.limit));
  rt.printer.list(
    opts.pending ? items.filter((i) => i.status === "pending") : items,
    columns,
    "No invitations.",
  );
}

async function createInvite(rt: Runtime, [email]: string[], opts: { role: string; team?: string[]; expiresInDays?: string }): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const roleId = await resolveRoleId(client, orgId, opts.role);
  const teamRefs = splitList(opts.team);
  const teamIds = teamRefs.length > 0 ? await resolveTeamIds(client, orgId, teamRefs) : [];
  const expiresInDays = parsePositiveInt("--expires-in-days", opts.expiresInDays);
  const created = await client.call("createInvitation", {
    params: { orgId },
    body: { email: email as string, roleId, teamIds, ...(expiresInDays !== undefined ? { expiresInDays } : {}) },
  });
  rt.printer.done(
    `Invited ${created.email} as ${created.roleName}${created.emailed ? " (emailed)" : ""}. Share this link (shown once):\n${created.link}`,
    created,
  );
}

async function revokeInvite(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  let invitationId = ref as string;
  if (!isUuid(invitationId)) {
    const pending = (await collectPages(client, "listInvitations", { params: { orgId } })).filter((i) => i.status === "pending");
    invitationId = pickOne("pending invitation", invitationId, pending.map((i) => ({ id: i.id, keys: [i.email] })), `organization ${orgId}`).id;
  }
  await client.call("revokeInvitation", { params: { orgId, invitationId } });
  rt.printer.done(`Invitation ${ref} revoked.`);
}

interface AcceptOptions {
  username: string;
  password?: string;
  passwordStdin?: boolean;
  displayName?: string;
  existing?: boolean;
  login: boolean;
}

/** An invitation link (http://host/invite/TOKEN) gives both the server and the token. */
export function parseInvitationLink(link: string): { server?: string; token: string } {
  if (!/^https?:\/\//i.test(link)) return { token: link };
  const url = new URL(link);
  const token = url.pathname.split("/").filter(Boolean).pop();
  if (!token) throw new UsageError(`no invitation token in ${link}`);
  return { server: url.origin, token };
}

async function acceptInvite(rt: Runtime, [link]: string[], opts: AcceptOptions): Promise<void> {
  const parsed = parseInvitationLink(link as string);
  const server = parsed.server ?? rt.getServer();
  if (opts.password === undefined && !opts.passwordStdin && !process.stdin.isTTY) throw new UsageError("pass --password-stdin (or run on a terminal)");
  const password = await readPassword(opts);
  const params = { token: parsed.token };
  const accepted = opts.existing
    ? await withPasswordSession(server, opts.username, password, ({ client }) => client.call("acceptInvitation", { params, body: {} }))
    : await createApiClient(server).call("acceptInvitation", {
        params,
        body: { signup: { username: opts.username, password, ...(opts.displayName ? { displayName: opts.displayName } : {}) } },
      });
  if (!opts.login) {
    rt.printer.done(`${opts.username} joined ${accepted.organizationSlug}. Log in with: meridian login --server ${server} --username ${opts.username}`, accepted);
    return;
  }
  rt.printer.note(`${opts.username} joined ${accepted.organizationSlug}.`);
  const stored = await createCliToken(server, opts.username, password, accepted.organizationSlug, rt.env.hostname);
  // do not take over another user's context for the same server
  const host = deriveContextName(server);
  const taken = rt.config.contexts.find((c) => c.name === host && c.username !== opts.username);
  await saveLogin(rt, server, rt.globals.context ?? (taken ? `${opts.username}@${host}` : host), stored);
}
