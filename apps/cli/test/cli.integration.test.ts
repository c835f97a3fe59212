import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiToken, AuditEvent, AuditVerifyResult, Environment, Invitation, Me, Member, Organization, Project, Role, RoleBinding } from "@meridian/core";
import { createClient } from "@meridian/client";
import { startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliConfig } from "../src/config.js";
import { type CliRunner, createCliRunner } from "./run-cli.js";

let server: TestServer;
let dir: string;
let configPath: string;
let cli: CliRunner;
const readConfig = () => JSON.parse(readFileSync(configPath, "utf8")) as CliConfig;

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-it-"));
  configPath = join(dir, "config", "meridian", "config.json");
  cli = createCliRunner(configPath);
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("meridian CLI against a real server", () => {
  it("refuses a wrong password, stores nothing and exits 1", async () => {
    const r = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password", "wrong-password-123"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(() => statSync(configPath)).toThrow();
  });

  it("logs in with a password from stdin, storing a CLI token (not the password) in a 0600 file", async () => {
    const r = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password-stdin"], { input: `${server.adminPassword}\n` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("as admin");
    const config = readConfig();
    expect(config.contexts).toHaveLength(1);
    expect(config.contexts[0]).toMatchObject({ server: server.baseUrl, org: "default", username: "admin" });
    expect(config.contexts[0]?.token).toMatch(/\S{20,}/);
    expect(readFileSync(configPath, "utf8")).not.toContain(server.adminPassword);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);

    const me = await cli.json<Me & { context: string }>(["whoami"]);
    expect(me.user.username).toBe("admin");
    expect(me.authMethod).toBe("token");
    expect(me.context).toBe(config.current);

    const tokens = await cli.json<ApiToken[]>(["tokens", "list"]);
    expect(tokens.map((t) => t.name)).toContainEqual(expect.stringMatching(/^cli-.+-\d{8}$/));
    expect(tokens.find((t) => t.name.startsWith("cli-"))?.roleName).toBe("Owner");
  });

  it("creates an organization with a password session and switches to it", async () => {
    const created = await cli(["orgs", "create", "acme", "--name", "Acme Corp", "--password-stdin", "-o", "json"], { input: server.adminPassword });
    expect(created.code).toBe(0);
    expect((JSON.parse(created.stdout) as Organization).slug).toBe("acme");
    const use = await cli(["orgs", "use", "acme"]);
    expect(use.stdout).toContain("now uses organization acme");
    expect(readConfig().contexts[0]?.org).toBe("acme");
    expect((await cli.json<Organization>(["orgs", "get"])).name).toBe("Acme Corp");
    // tokens are bound to one organization; the CLI keeps one per organization and lists them all
    expect((await cli.json<Organization[]>(["orgs", "list"])).map((o) => o.slug)).toEqual(["acme", "default"]);
    expect((await cli.json<Organization>(["--org", "default", "orgs", "get"])).slug).toBe("default");
  });

  it("updates and deletes an organization other than the current one, with that organization's token", async () => {
    const created = await cli(["orgs", "create", "scratch", "--name", "Scratch", "--password-stdin"], { input: server.adminPassword });
    expect(created.code).toBe(0);
    const updated = await cli.json<Organization>(["orgs", "update", "scratch", "--name", "Scratch 2", "--audit-retention-days", "90"]);
    expect(updated).toMatchObject({ name: "Scratch 2", auditRetentionDays: 90 });
    expect((await cli(["orgs", "delete", "scratch"])).code).toBe(2);
    expect((await cli(["orgs", "delete", "scratch", "--yes"])).stdout).toBe("Organization scratch deleted.\n");
    expect(Object.keys(readConfig().contexts[0]?.orgTokens ?? {}).sort()).toEqual(["acme", "default"]);
    expect(readConfig().contexts[0]?.org).toBe("acme");
  });

  it("manages teams, projects and environments by slug", async () => {
    expect((await cli(["teams", "create", "platform", "--name", "Platform"])).code).toBe(0);
    const project = await cli.json<Project>(["projects", "create", "api", "--name", "API", "--team", "platform", "--env", "dev,prod"]);
    expect(project.environmentCount).toBe(2);
    const teams = await cli.json<{ id: string; slug: string }[]>(["teams", "list"]);
    expect(project.teamId).toBe(teams.find((t) => t.slug === "platform")?.id);

    const projects = await cli.json<Project[]>(["projects", "list"]);
    expect(projects.map((p) => p.slug)).toEqual(["api"]);
    const table = await cli(["projects", "list"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^SLUG\s+NAME\s+TEAM\s+ENVS\s+CREATED\s+ID$/);
    expect(table.stdout).toMatch(/\napi\s+API\s+platform\s+2\s+(just now|\d+s ago)\s+[0-9a-f-]{36}\n/);

    const qa = await cli.json<Environment>(["envs", "create", "qa", "--project", "api", "--protected"]);
    expect(qa.protected).toBe(true);
    await cli.json(["envs", "update", "qa", "-p", "api", "--no-protected", "--name", "QA"]);
    let envs = await cli.json<Environment[]>(["envs", "list", "--project", "api"]);
    expect(envs.map((e) => [e.slug, e.name, e.protected])).toContainEqual(["qa", "QA", false]);
    expect((await cli(["envs", "delete", "qa", "-p", "api"])).code).toBe(0);
    envs = await cli.json<Environment[]>(["envs", "list", "--project", "api"]);
    expect(envs.map((e) => e.slug)).toEqual(["dev", "prod"]);

    expect((await cli(["teams", "add-member", "platform", "admin"])).code).toBe(0);
    const members = await cli.json<{ username: string }[]>(["teams", "members", "platform"]);
    expect(members.map((m) => m.username)).toEqual(["admin"]);
    expect((await cli(["teams", "remove-member", "platform", "admin"])).code).toBe(0);
    expect(await cli.json(["teams", "members", "platform"])).toEqual([]);
  });

  it("follows every page of a list unless --limit is given", async () => {
    const token = readConfig().contexts[0]?.orgTokens?.acme?.token as string;
    const api = createClient({ baseUrl: server.baseUrl, token });
    for (let batch = 0; batch < 11; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => api.call("createTeam", { params: { orgId: "acme" }, body: { slug: `bulk-${batch * 20 + i}`, name: `Bulk ${batch * 20 + i}` } })),
      );
    }
    const all = await cli.json<{ id: string; slug: string }[]>(["teams", "list"]);
    expect(all).toHaveLength(221);
    expect(new Set(all.map((t) => t.id)).size).toBe(221);
    expect(await cli.json<unknown[]>(["teams", "list", "--limit", "205"])).toHaveLength(205);
    const bulk = all.filter((t) => t.slug.startsWith("bulk-"));
    for (let i = 0; i < bulk.length; i += 20) {
      await Promise.all(bulk.slice(i, i + 20).map((t) => api.call("deleteTeam", { params: { orgId: "acme", teamId: t.id } })));
    }
  });

  it("creates an invitation, prints its link, and revokes it", async () => {
    const r = await cli(["invites", "create", "bob@example.com", "--role", "viewer", "--team", "platform"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Invited bob@example\.com as Viewer/);
    expect(r.stdout).toMatch(/^https?:\/\/\S+\/\S+$/m);
    const pending = await cli.json<Invitation[]>(["invites", "list", "--pending"]);
    expect(pending.map((i) => i.email)).toEqual(["bob@example.com"]);
    expect((await cli(["invites", "revoke", "bob@example.com"])).code).toBe(0);
    const all = await cli.json<Invitation[]>(["invites", "list"]);
    expect(all.map((i) => i.status)).toEqual(["revoked"]);
  });

  it("creates a custom role with permissions and binds it to a team at an environment", async () => {
    const role = await cli.json<Role>(["roles", "create", "deployer", "--name", "Deployer", "--permission", "project:read,environment:read", "--permission", "environment:update"]);
    expect([...role.permissions].sort()).toEqual(["environment:read", "environment:update", "project:read"]);
    const binding = await cli.json<RoleBinding>(["roles", "bind", "--role", "deployer", "--team", "platform", "--project", "api", "--env", "prod"]);
    expect(binding.scopeName).toBe("project/api/env/prod");
    expect(binding.scope.kind).toBe("environment");
    const listed = await cli.json<RoleBinding[]>(["roles", "bindings", "list", "--role", "Deployer"]);
    expect(listed.map((b) => b.id)).toEqual([binding.id]);
    expect((await cli(["roles", "unbind", binding.id])).code).toBe(0);
    expect(await cli.json(["roles", "bindings", "list", "--role", "deployer"])).toEqual([]);
  });

  it("creates, uses, lists and revokes an API token", async () => {
    const created = await cli.json<ApiToken & { token: string }>(["tokens", "create", "deploy-bot", "--role", "deployer", "--project", "api", "--expires-in-days", "7"]);
    expect(created.scope).toMatchObject({ kind: "project" });
    const asBot = await cli.json<Me>(["--token", created.token, "whoami"]);
    expect(asBot.authMethod).toBe("token");
    expect((await cli.json<ApiToken[]>(["tokens", "list"])).map((t) => t.name)).toContain("deploy-bot");

    expect((await cli(["tokens", "revoke", "deploy-bot"])).code).toBe(0);
    const after = await cli(["--token", created.token, "whoami"]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^error: /);
    expect(after.stderr).toContain("meridian login");
    expect((await cli.json<ApiToken[]>(["tokens", "list"])).map((t) => t.name)).not.toContain("deploy-bot");
    expect((await cli.json<ApiToken[]>(["tokens", "list", "--all"])).find((t) => t.name === "deploy-bot")?.revokedAt).not.toBeNull();
  });

  it("lists, exports and verifies the audit log", async () => {
    const events = await cli.json<AuditEvent[]>(["audit", "list"]);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["project.create", "role.create", "token.revoke", "invitation.revoke"]));
    const projectEvents = await cli.json<AuditEvent[]>(["audit", "list", "--action", "project.", "--since", "1h"]);
    expect(projectEvents.map((e) => e.action)).toEqual(["project.create"]);
    const limited = await cli.json<AuditEvent[]>(["audit", "list", "--limit", "2"]);
    expect(limited).toHaveLength(2);

    const jsonl = await cli(["audit", "export"]);
    expect(jsonl.code).toBe(0);
    const exported = jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l) as AuditEvent);
    expect(exported.length).toBe(events.length);

    const csvFile = join(dir, "audit.csv");
    const csv = await cli(["audit", "export", "--format", "csv", "-f", csvFile]);
    expect(csv.stdout).toContain(`Exported ${events.length} event(s) to ${csvFile}`);
    const lines = readFileSync(csvFile, "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^seq,time,actor_kind/);
    expect(lines.length).toBeGreaterThan(events.length);

    const ok = await cli(["audit", "verify"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Audit log intact: \d+ event\(s\) checked/);
  });

  it("audit verify prints problems and exits 1 when an event was altered", async () => {
    const db = await server.openDatabase();
    try {
      const org = (await db.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'acme'")).rows[0] as { id: string };
      const key = `org:${org.id}`;
      const seq = (await db.query<{ seq: number }>("SELECT seq FROM audit_events WHERE chain_key = $1 AND action = 'project.create'", [key])).rows[0]?.seq;
      await db.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
      await db.query("UPDATE audit_events SET actor_name = 'mallory' WHERE chain_key = $1 AND seq = $2", [key, seq]);
      await db.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
      const r = await cli(["audit", "verify"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^${seq}\\s+altered\\s+`, "m"));
      expect(r.stderr).toMatch(/^error: audit log verification failed: \d+ problem/);
      const asJson = await cli(["audit", "verify", "-o", "json"]);
      expect(asJson.code).toBe(1);
      expect((JSON.parse(asJson.stdout) as AuditVerifyResult).problems).toContainEqual(expect.objectContaining({ seq, kind: "altered" }));
    } finally {
      await db.close();
    }
  });

  it("explains bad input clearly: unknown names, invalid slugs, usage errors", async () => {
    const unknown = await cli(["projects", "get", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: project "nope" not found in organization acme (see: meridian projects list)\n');

    const badSlug = await cli(["projects", "create", "Bad_Slug"]);
    expect(badSlug.code).toBe(1);
    expect(badSlug.stderr).toMatch(/^error: .*slug.*lower-case letters, digits and dashes/);

    const badPerm = await cli(["roles", "create", "x-role", "--permission", "nonsense"]);
    expect(badPerm.code).toBe(2);
    expect(badPerm.stderr).toContain("unknown permission(s): nonsense");

    const usage = await cli(["projects", "list", "--bogus"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: unknown option '--bogus'");

    const missing = await cli(["envs", "list"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--project");

    const down = await cli(["--server", "http://127.0.0.1:9", "--token", "x", "whoami"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("error: cannot reach the Meridian server at http://127.0.0.1:9");
  });

  it("manages members (set-roles, teams, remove); a user left without an organization cannot log in the CLI", async () => {
    const invite = await cli.json<Invitation & { link: string }>(["invites", "create", "carol@example.com", "--role", "viewer"]);
    const carol = createCliRunner(join(dir, "carol", "config.json"));
    const accepted = await carol(["invites", "accept", invite.link, "--username", "carol", "--password-stdin"], { input: "carol-password-123\n" });
    expect(accepted.stderr).toBe("carol joined acme.\n");
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain("as carol (organization acme)");
    expect((await carol.json<Me>(["whoami"])).user.username).toBe("carol");
    expect((await carol.json<Project[]>(["projects", "list"])).map((p) => p.slug)).toEqual(["api"]);

    const members = await cli.json<Member[]>(["members", "list"]);
    expect(members.map((m) => m.username).sort()).toEqual(["admin", "carol"]);
    const updated = await cli.json<Member>(["members", "set-roles", "carol", "--role", "developer,Viewer"]);
    expect(updated.roles.map((r) => r.roleName).sort()).toEqual(["Developer", "Viewer"]);
    expect((await cli(["teams", "add-member", "platform", "carol@example.com"])).code).toBe(0);
    expect((await cli.json<Member>(["members", "get", "carol"])).teams.map((t) => t.name)).toEqual(["Platform"]);
    const table = await cli(["members"]);
    expect(table.stdout).toMatch(/\ncarol\s+carol\s+carol@example\.com\s+Developer, Viewer\s+Platform\s+/);
    expect((await cli(["members", "remove", "carol"])).code).toBe(0);
    expect((await cli.json<Member[]>(["members", "list"])).map((m) => m.username)).toEqual(["admin"]);

    // removal revoked carol's CLI token
    expect((await carol(["projects", "list"])).code).toBe(1);
    const carolConfig = join(dir, "carol-again", "config.json");
    const r = await createCliRunner(carolConfig)(["login", "--server", server.baseUrl, "--username", "carol", "--password", "carol-password-123"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("carol belongs to no organization");
    expect(r.stderr).toContain("nothing was stored");
    expect(() => statSync(carolConfig)).toThrow();
  });

  it("context list/use/current, --context, and MERIDIAN_SERVER/MERIDIAN_TOKEN overriding the context", async () => {
    const contexts = await cli.json<{ name: string; current: boolean; org: string }[]>(["context", "list"]);
    expect(contexts).toHaveLength(1);
    const name = contexts[0]?.name as string;
    expect((await cli(["context", "current"])).stdout.trim()).toBe(name);
    expect((await cli(["context", "use", "nope"])).stderr).toBe('error: no context named "nope" (see: meridian context list)\n');
    expect((await cli(["context", "use", name])).code).toBe(0);
    expect((await cli(["--context", "nope", "whoami"])).code).toBe(1);
    const bot = await cli.json<{ token: string }>(["tokens", "create", "env-bot", "--role", "viewer"]);
    const viaEnv = await cli(["whoami", "-o", "json"], { env: { MERIDIAN_SERVER: server.baseUrl, MERIDIAN_TOKEN: bot.token } });
    expect(viaEnv.code).toBe(0);
    expect((JSON.parse(viaEnv.stdout) as Me).authMethod).toBe("token");
    // the viewer token cannot create projects, which shows the env token was the one used
    const denied = await cli(["projects", "create", "nope-project"], { env: { MERIDIAN_TOKEN: bot.token } });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error: /);
    expect((await cli(["tokens", "revoke", "env-bot"])).code).toBe(0);

    // a CLI token close to expiry is announced on stderr, output stays clean
    const config = readConfig();
    const acme = config.contexts[0]?.orgTokens?.acme;
    expect(acme?.expiresAt).toMatch(/^\d{4}-/);
    const soon = { ...config, contexts: config.contexts.map((c) => ({ ...c, orgTokens: { ...c.orgTokens, acme: { ...acme, expiresAt: new Date(Date.now() + 3 * 86_400_000 + 60_000).toISOString() } } })) };
    writeFileSync(configPath, JSON.stringify(soon));
    const warned = await cli(["projects", "list", "-o", "json"]);
    expect(warned.code).toBe(0);
    expect(JSON.parse(warned.stdout)).toHaveLength(1);
    expect(warned.stderr).toBe("warning: the CLI's token for acme expires in 3d; run `meridian login --org acme` for a new one\n");
    writeFileSync(configPath, JSON.stringify(config));
  });

  it("prints yaml", async () => {
    const r = await cli(["projects", "get", "api", "-o", "yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^id: [0-9a-f-]{36}\nslug: api\nname: API\n/);
  });

  it("a second login stays in the context's organization and revokes the CLI token it replaces", async () => {
    const before = readConfig().contexts[0]?.orgTokens?.acme?.token;
    const r = await cli(["login", "--username", "admin", "--password-stdin"], { input: server.adminPassword });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(organization acme)");
    const after = readConfig().contexts[0];
    expect(after?.orgTokens?.acme?.token).not.toBe(before);
    expect(Object.keys(after?.orgTokens ?? {}).sort()).toEqual(["acme", "default"]);
    const cliTokens = (await cli.json<ApiToken[]>(["tokens", "list"])).filter((t) => t.name.startsWith("cli-"));
    expect(cliTokens).toHaveLength(1);
    expect((await cli(["--server", server.baseUrl, "--token", before as string, "whoami"])).code).toBe(1);
  });

  it("logs out, revoking the CLI's tokens, and logs back in with --token", async () => {
    const ctx = readConfig().contexts[0];
    expect(ctx).toBeDefined();
    const spare = await cli.json<{ token: string }>(["tokens", "create", "spare", "--role", "owner"]);
    const out = await cli(["logout"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/revoked 2 CLI token\(s\)/);
    expect(readConfig().contexts).toEqual([]);
    const stale = await cli(["--server", server.baseUrl, "--token", ctx?.token as string, "whoami"]);
    expect(stale.code).toBe(1);

    const login = await cli(["login", "--server", server.baseUrl, "--token", spare.token]);
    expect(login.code).toBe(0);
    expect(readConfig().contexts[0]).toMatchObject({ org: "acme", token: spare.token });
    expect((await cli.json<Project[]>(["projects", "list"])).map((p) => p.slug)).toEqual(["api"]);
  });
});
