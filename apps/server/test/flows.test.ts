import { ApiError } from "@meridian/client";
import { loginAs, type Session, startTestServer, type TestServer, tokenClient } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
let admin: Session;

beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
});
afterAll(async () => {
  await server?.stop();
});

async function expectError(p: Promise<unknown>, code: string, status: number) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  expect((err as ApiError).status).toBe(status);
  return err as ApiError;
}

describe("organization lifecycle through the API", () => {
  it("creates a project with default environments and lists it", async () => {
    const p = await admin.client.call("createProject", { params: { orgId: "default" }, body: { slug: "shop", name: "Shop" } });
    expect(p.environmentCount).toBe(3);
    const envs = await admin.client.call("listEnvironments", { params: { orgId: "default", projectId: p.id } });
    expect(envs.items.map((e) => [e.slug, e.protected])).toEqual([
      ["dev", false],
      ["staging", false],
      ["prod", true],
    ]);
    const list = await admin.client.call("listProjects", { params: { orgId: "default" }, query: { q: "sho" } });
    expect(list.items.map((x) => x.slug)).toEqual(["shop"]);
    await expectError(admin.client.call("createProject", { params: { orgId: "default" }, body: { slug: "shop", name: "Again" } }), "conflict", 409);
  });

  it("invites a person who signs up, then changes their role; all of it is in the audit log", async () => {
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    const viewer = roles.items.find((r) => r.slug === "viewer")!;
    const developer = roles.items.find((r) => r.slug === "developer")!;
    const inv = await admin.client.call("createInvitation", { params: { orgId: "default" }, body: { email: "dana@example.com", roleId: viewer.id } });
    expect(inv.link).toMatch(/\/invite\/inv_/);
    const preview = await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}`).then((r) => r.json());
    expect(preview).toMatchObject({ organizationSlug: "default", roleName: "Viewer", status: "pending" });
    const accepted = await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}/accept`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ signup: { username: "dana", password: "dana-password-123" } }),
    });
    expect(accepted.status).toBe(200);
    // a second use of the link fails
    const again = await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}/accept`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ signup: { username: "dana2", password: "dana-password-123" } }),
    });
    expect(again.status).toBe(409);

    const dana = await loginAs(server.baseUrl, "dana", "dana-password-123");
    // viewer: reads projects, cannot create them
    expect((await dana.client.call("listProjects", { params: { orgId: "default" } })).items.length).toBe(1);
    await expectError(dana.client.call("createProject", { params: { orgId: "default" }, body: { slug: "nope", name: "Nope" } }), "forbidden", 403);

    await admin.client.call("setMemberRoles", { params: { orgId: "default", userId: dana.userId }, body: { roleIds: [developer.id] } });
    const created = await dana.client.call("createProject", { params: { orgId: "default" }, body: { slug: "dana-app", name: "Dana's app" } });
    expect(created.slug).toBe("dana-app");

    const events = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { limit: 100 } });
    const actions = events.items.map((e) => `${e.actor.name}:${e.action}:${e.result}`);
    expect(actions).toContain("admin:invitation.create:success");
    expect(actions).toContain("dana:invitation.accept:success");
    expect(actions).toContain("admin:member.roles.set:success");
    expect(actions).toContain("dana:project.create:denied");
    expect(actions).toContain("dana:project.create:success");
    expect(actions).toContain("dana:auth.login:success");
  });

  it("enforces the escalation rule: a developer cannot grant admin or define a stronger role", async () => {
    const dana = await loginAs(server.baseUrl, "dana", "dana-password-123");
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    const adminRole = roles.items.find((r) => r.slug === "admin")!;
    // developers lack rolebinding:create entirely
    await expectError(
      dana.client.call("createRoleBinding", { params: { orgId: "default" }, body: { roleId: adminRole.id, subject: { kind: "user", id: dana.userId } } }),
      "forbidden",
      403,
    );
    // an admin with role:create still cannot create a role holding organization:delete, which admins lack
    const bob = await createMember("bob", "admin");
    await expectError(
      bob.client.call("createRole", { params: { orgId: "default" }, body: { slug: "boss", name: "Boss", permissions: ["organization:delete"] } }),
      "forbidden",
      403,
    );
    const ok = await bob.client.call("createRole", { params: { orgId: "default" }, body: { slug: "readers", name: "Readers", permissions: ["project:read", "team:read"] } });
    expect(ok.permissions).toEqual(["project:read", "team:read"]);
    const owner = roles.items.find((r) => r.slug === "owner")!;
    await expectError(bob.client.call("setMemberRoles", { params: { orgId: "default", userId: bob.userId }, body: { roleIds: [owner.id] } }), "forbidden", 403);
  });

  it("API tokens are shown once, work as Bearer, are limited by their role and scope, and can be revoked", async () => {
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    const viewer = roles.items.find((r) => r.slug === "viewer")!;
    const created = await admin.client.call("createToken", { params: { orgId: "default" }, body: { name: "ci", roleId: viewer.id, expiresInDays: 7 } });
    expect(created.token).toMatch(/^mer_/);
    const listed = await admin.client.call("listTokens", { params: { orgId: "default" } });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const t = tokenClient(server.baseUrl, created.token);
    expect((await t.call("listProjects", { params: { orgId: "default" } })).items.length).toBeGreaterThan(0);
    await expectError(t.call("createProject", { params: { orgId: "default" }, body: { slug: "via-token", name: "x" } }), "forbidden", 403);
    await admin.client.call("revokeToken", { params: { orgId: "default", tokenId: created.id } });
    await expectError(t.call("listProjects", { params: { orgId: "default" } }), "unauthenticated", 401);
  });

  it("rejects cookie-authenticated mutations without the CSRF token", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/orgs/default/projects`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: admin.cookie },
      body: JSON.stringify({ slug: "csrf", name: "csrf" }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/CSRF/);
  });
});

async function createMember(username: string, roleSlug: string): Promise<Session> {
  const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
  const role = roles.items.find((r) => r.slug === roleSlug)!;
  const inv = await admin.client.call("createInvitation", { params: { orgId: "default" }, body: { email: `${username}@example.com`, roleId: role.id } });
  const res = await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ signup: { username, password: `${username}-password-123` } }),
  });
  expect(res.status).toBe(200);
  return loginAs(server.baseUrl, username, `${username}-password-123`);
}
