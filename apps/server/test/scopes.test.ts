import type { AddressInfo } from "node:net";
import { ApiError } from "@meridian/client";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
let admin: Session;
let smtp: SMTPServer;
const mails: { to: string; body: string }[] = [];

beforeAll(async () => {
  // A real SMTP server on loopback receives the invitation emails.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, cb) {
      let body = "";
      stream.on("data", (d: Buffer) => (body += d.toString()));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(","), body });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  const port = (smtp.server.address() as AddressInfo).port;
  server = await startTestServer({ env: { MERIDIAN_SMTP_URL: `smtp://127.0.0.1:${port}`, MERIDIAN_PUBLIC_URL: "https://meridian.example.test" } });
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
});
afterAll(async () => {
  await server?.stop();
  await new Promise<void>((r) => smtp?.close(() => r()));
});

const status = (p: Promise<unknown>) => p.then(() => 200, (e: ApiError) => e.status);

async function invite(email: string, roleSlug: string, username: string, teamIds: string[] = []): Promise<Session> {
  const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
  const inv = await admin.client.call("createInvitation", { params: { orgId: "default" }, body: { email, roleId: roles.items.find((r) => r.slug === roleSlug)!.id, teamIds } });
  const r = await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ signup: { username, password: `${username}-password-1` } }),
  });
  expect(r.status).toBe(200);
  return loginAs(server.baseUrl, username, `${username}-password-1`);
}

describe("scopes, teams and inheritance", () => {
  it("emails invitations through SMTP with a link on the public URL", async () => {
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    const inv = await admin.client.call("createInvitation", { params: { orgId: "default" }, body: { email: "mail@example.com", roleId: roles.items.find((r) => r.slug === "viewer")!.id } });
    expect(inv.emailed).toBe(true);
    expect(inv.link).toBe(`https://meridian.example.test/invite/${inv.token}`);
    for (let i = 0; i < 50 && !mails.some((m) => m.to === "mail@example.com"); i++) await new Promise((r) => setTimeout(r, 100));
    const mail = mails.find((m) => m.to === "mail@example.com");
    expect(mail?.body.replace(/=\r?\n/g, "")).toContain(inv.token);
  });

  it("a project-scope binding reaches that project's environments and nothing else", async () => {
    const a = await admin.client.call("createProject", { params: { orgId: "default" }, body: { slug: "alpha", name: "Alpha" } });
    const b = await admin.client.call("createProject", { params: { orgId: "default" }, body: { slug: "bravo", name: "Bravo" } });
    const pat = await invite("pat@example.com", "billing", "pat");
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    const developer = roles.items.find((r) => r.slug === "developer")!;
    await admin.client.call("createRoleBinding", { params: { orgId: "default" }, body: { roleId: developer.id, subject: { kind: "user", id: pat.userId }, scope: { kind: "project", projectId: a.id } } });
    const envA = (await pat.client.call("listEnvironments", { params: { orgId: "default", projectId: a.id } })).items.find((e) => e.slug === "dev")!;
    expect(await status(pat.client.call("updateEnvironment", { params: { orgId: "default", projectId: a.id, environmentId: envA.id }, body: { name: "Development" } }))).toBe(200);
    const envB = (await admin.client.call("listEnvironments", { params: { orgId: "default", projectId: b.id } })).items[0]!;
    expect(await status(pat.client.call("updateEnvironment", { params: { orgId: "default", projectId: b.id, environmentId: envB.id }, body: { name: "x" } }))).toBe(403);
    expect(await status(pat.client.call("createProject", { params: { orgId: "default" }, body: { slug: "nope", name: "x" } }))).toBe(403);
  });

  it("an environment-scope binding lists only what it covers", async () => {
    const p = await admin.client.call("createProject", { params: { orgId: "default" }, body: { slug: "charlie", name: "Charlie" } });
    const envs = (await admin.client.call("listEnvironments", { params: { orgId: "default", projectId: p.id } })).items;
    const prod = envs.find((e) => e.slug === "prod")!;
    const custom = await admin.client.call("createRole", { params: { orgId: "default" }, body: { slug: "env-operator", name: "Env operator", permissions: ["environment:read", "environment:update", "project:read"] } });
    const eve = await invite("eve@example.com", "billing", "eve");
    await admin.client.call("createRoleBinding", { params: { orgId: "default" }, body: { roleId: custom.id, subject: { kind: "user", id: eve.userId }, scope: { kind: "environment", projectId: p.id, environmentId: prod.id } } });
    // billing reads environments org-wide: take that binding away to see the environment scope alone
    const member = await admin.client.call("getMember", { params: { orgId: "default", userId: eve.userId } });
    expect(member.roles.map((r) => r.roleName)).toEqual(["Billing"]);
    await admin.client.call("deleteRoleBinding", { params: { orgId: "default", bindingId: member.roles[0]!.bindingId } });
    const seen = await eve.client.call("listEnvironments", { params: { orgId: "default", projectId: p.id } });
    expect(seen.items.map((e) => e.slug)).toEqual(["prod"]);
    const projects = await eve.client.call("listProjects", { params: { orgId: "default" } });
    expect(projects.items.map((x) => x.slug)).toEqual(["charlie"]);
  });

  it("a team binding grants its members, and leaving the team takes it away", async () => {
    const team = await admin.client.call("createTeam", { params: { orgId: "default" }, body: { slug: "platform", name: "Platform" } });
    const sam = await invite("sam@example.com", "viewer", "sam", [team.id]);
    expect(await status(sam.client.call("createTeam", { params: { orgId: "default" }, body: { slug: "sams", name: "x" } }))).toBe(403);
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    await admin.client.call("createRoleBinding", { params: { orgId: "default" }, body: { roleId: roles.items.find((r) => r.slug === "admin")!.id, subject: { kind: "team", id: team.id } } });
    expect(await status(sam.client.call("createTeam", { params: { orgId: "default" }, body: { slug: "sams", name: "x" } }))).toBe(200);
    await admin.client.call("removeTeamMember", { params: { orgId: "default", teamId: team.id, userId: sam.userId } });
    expect(await status(sam.client.call("createTeam", { params: { orgId: "default" }, body: { slug: "sams-2", name: "x" } }))).toBe(403);
  });

  it("records token use in the audit log, at most once an hour per token", async () => {
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    const t = await admin.client.call("createToken", { params: { orgId: "default" }, body: { name: "audited", roleId: roles.items.find((r) => r.slug === "viewer")!.id } });
    for (let i = 0; i < 3; i++) await fetch(`${server.baseUrl}/api/v1/orgs/default/projects`, { headers: { authorization: `Bearer ${t.token}` } });
    const ev = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { action: "token.use" } });
    expect(ev.items.filter((e) => e.target.name === "audited")).toHaveLength(1);
  });
});
