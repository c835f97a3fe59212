import type { Invitation } from "@meridian/core";
import type { Command } from "commander";
import type { CliEnv } from "../config.js";
import type { Column } from "../output.js";
import { appendValue, collectPages, parseLimit, parsePositiveInt, splitList } from "../paging.js";
import { isUuid, pickOne, resolveRoleId, resolveTeamIds } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

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
