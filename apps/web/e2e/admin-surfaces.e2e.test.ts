import { loginAs, startTestServer, type TestServer, tokenClient } from "@meridian/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirm, launchBrowser, logIn, newPage } from "./helpers";
import { type BuiltWebApp, buildWebApp } from "./web-app";

const envOrder = (page: Page) => page.locator("[data-env]").evaluateAll((els) => els.map((e) => e.getAttribute("data-env")));

// Every management surface once, against the real server, checking what the server then holds.
describe("web UI: management surfaces", () => {
  let server: TestServer;
  let web: BuiltWebApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    web = await buildWebApp();
    server = await startTestServer({ env: { MERIDIAN_WEB_DIR: web.dir } });
    browser = await launchBrowser();
    page = await newPage(browser, "admin");
    await logIn(page, server.baseUrl, "admin", server.adminPassword);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await web?.remove();
  });

  it("returns to a deep link, filters included, after logging in", async () => {
    const fresh = await newPage(browser, "deep-link");
    const me = await (await loginAs(server.baseUrl, "admin", server.adminPassword)).client.call("getMe");
    const slug = me.organizations[0]?.slug ?? "";
    await fresh.goto(`${server.baseUrl}/orgs/${slug}/audit?action=auth.login`);
    await fresh.waitForURL(/\/login\?next=/);
    await fresh.getByLabel("Username").fill("admin");
    await fresh.getByLabel("Password").fill(server.adminPassword);
    await fresh.getByRole("button", { name: "Log in" }).click();
    await fresh.waitForURL(new RegExp(`/orgs/${slug}/audit\\?action=auth\\.login$`));
    expect(await fresh.getByLabel("Action").inputValue()).toBe("auth.login");
    await fresh.locator('.vrow[data-action="auth.login"]').first().waitFor();
    await fresh.context().close();
  });

  it("creates an organization from the switcher and lands in it", async () => {
    await page.getByRole("button", { name: "Switch organization" }).click();
    await page.getByRole("menuitem", { name: /Create organization/ }).click();
    const dialog = page.getByRole("dialog", { name: "Create organization" });
    await dialog.getByLabel("Name").fill("Acme Labs");
    await dialog.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/orgs\/acme-labs\/projects$/);
    await page.getByRole("heading", { name: "No projects yet" }).waitFor();
    await page.getByRole("button", { name: "Switch organization" }).getByText("Acme Labs").waitFor();
  });

  it("creates a team and adds a member", async () => {
    await page.getByRole("link", { name: "Teams" }).click();
    await page.getByRole("button", { name: "Create team" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create team" });
    await dialog.getByLabel("Name").fill("Platform");
    await dialog.getByRole("button", { name: "Create team" }).click();
    const row = page.locator("tr[data-row]", { hasText: "Platform" });
    await row.waitFor();
    await row.getByRole("button", { name: "Members" }).click();
    const team = page.getByRole("dialog", { name: "Team Platform" });
    await team.getByLabel("Add a member").selectOption({ label: "Administrator (@admin)" });
    await team.getByRole("button", { name: "Add", exact: true }).click();
    await team.getByText("@admin").waitFor();
    await team.getByRole("button", { name: "Done" }).click();
    await row.locator('td[data-label="Members"]', { hasText: "1" }).waitFor();
  });

  it("manages a project's environments: add, rename, protect, reorder, delete", async () => {
    await page.getByRole("link", { name: "Projects" }).click();
    await page.getByRole("button", { name: "Create project" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create project" });
    await dialog.getByLabel("Name").fill("Ledger");
    await dialog.getByLabel("Owning team").selectOption({ label: "Platform" });
    await dialog.getByLabel("Environments").fill("dev, prod");
    await dialog.getByRole("button", { name: "Create project" }).click();
    await page.locator('[data-env="prod"]').waitFor();
    await page.locator(".facts").getByText("Platform").waitFor();

    await page.getByRole("button", { name: "Add environment" }).first().click();
    const add = page.getByRole("dialog", { name: /Add environment/ });
    await add.getByLabel("Slug").fill("qa");
    await add.getByRole("button", { name: "Add environment" }).click();
    const qa = page.locator('[data-env="qa"]');
    await qa.waitFor();
    expect(await envOrder(page)).toEqual(["dev", "prod", "qa"]);

    await qa.getByRole("button", { name: "Rename" }).click();
    const rename = page.getByRole("dialog", { name: "Rename qa" });
    await rename.getByLabel("Display name").fill("Quality");
    await rename.getByRole("button", { name: "Rename" }).click();
    await qa.getByText("Quality").waitFor();

    await qa.getByRole("button", { name: "Protect" }).click();
    await qa.getByText("protected").waitFor();

    await qa.getByRole("button", { name: "Move up" }).click();
    await page.waitForFunction(() => [...document.querySelectorAll("[data-env]")].map((e) => e.getAttribute("data-env")).join() === "dev,qa,prod");

    await page.locator('[data-env="dev"]').getByRole("button", { name: "Delete" }).click();
    await confirm(page);
    await page.locator('[data-env="dev"]').waitFor({ state: "detached" });

    const api = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const projects = await api.client.call("listProjects", { params: { orgId: "acme-labs" } });
    const ledger = projects.items.find((p) => p.slug === "ledger");
    const envs = await api.client.call("listEnvironments", { params: { orgId: "acme-labs", projectId: ledger?.id ?? "" } });
    const ordered = envs.items.sort((a, b) => a.position - b.position);
    expect(ordered.map((e) => [e.slug, e.protected])).toEqual([
      ["qa", true],
      ["prod", true], // the server protects prod-like environments by default
    ]);
    expect(ordered[0]?.name).toBe("Quality");
  });

  it("builds a custom role from the permission matrix and grants it to a team on a project", async () => {
    await page.getByRole("link", { name: "Roles" }).click();
    await page.getByRole("button", { name: "Create custom role" }).click();
    const editor = page.getByRole("dialog", { name: "Create custom role" });
    await editor.getByLabel("Name").fill("Release manager");
    await editor.getByRole("checkbox", { name: "project:read" }).check();
    await editor.getByRole("checkbox", { name: "environment:update" }).check();
    await editor.getByRole("button", { name: "Create role" }).click();
    const row = page.locator("tr[data-row]", { hasText: "Release manager" });
    await row.getByText("custom").waitFor();

    await page.getByRole("tab", { name: "Bindings" }).click();
    await page.getByRole("button", { name: "Grant a role" }).click();
    const grant = page.getByRole("dialog", { name: "Grant a role" });
    await grant.getByLabel("Role").selectOption({ label: "Release manager" });
    await grant.getByLabel("Given to").selectOption("team");
    await grant.getByLabel("Team").selectOption({ label: "Platform" });
    await grant.getByLabel("Scope").selectOption("project");
    await grant.getByLabel("Project").selectOption({ label: "Ledger" });
    await grant.getByRole("button", { name: "Grant role" }).click();
    const binding = page.locator('[data-resource="role-bindings"] tr[data-row]', { hasText: "Release manager" });
    await binding.getByText("Platform").waitFor();

    const api = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const roles = await api.client.call("listRoles", { params: { orgId: "acme-labs" } });
    const custom = roles.items.find((r) => r.slug === "release-manager");
    expect(custom?.permissions.sort()).toEqual(["environment:update", "project:read"]);
    const bindings = await api.client.call("listRoleBindings", { params: { orgId: "acme-labs" }, query: { roleId: custom?.id } });
    expect(bindings.items.map((b) => [b.subject.kind, b.subject.name, b.scope.kind])).toEqual([["team", "Platform", "project"]]);

    // The project page lists who has access to it.
    await page.getByRole("link", { name: "Projects" }).click();
    await page.getByRole("link", { name: "Ledger" }).click();
    const access = page.locator('[data-resource="role-bindings"] tr[data-row]', { hasText: "Release manager" });
    await access.getByText("Platform").waitFor();
    await access.getByRole("button", { name: "Remove" }).click();
    await confirm(page);
    await access.waitFor({ state: "detached" });
    await page.getByText("No project-specific roles").waitFor();
  });

  it("creates a token shown once, which works until revoked", async () => {
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.getByRole("button", { name: "Create API token" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create API token" });
    await dialog.getByLabel("Name").fill("ci-deploy");
    await dialog.getByLabel("Role").selectOption({ label: "Developer" });
    await dialog.getByRole("button", { name: "Create token" }).click();
    const field = page.getByRole("textbox", { name: "API token" });
    await field.waitFor();
    const token = await field.inputValue();
    await page.getByRole("button", { name: "I have stored it" }).click();
    expect((await tokenClient(server.baseUrl, token).call("getMe")).user.username).toBe("admin");

    const row = page.locator("tr[data-row]", { hasText: "ci-deploy" });
    await row.getByRole("button", { name: "Revoke" }).click();
    await confirm(page);
    await row.getByText("revoked").waitFor();
    expect(await row.getByRole("button", { name: "Revoke" }).isDisabled()).toBe(true);
    await expect(tokenClient(server.baseUrl, token).call("getMe")).rejects.toMatchObject({ status: 401 });
  });

  it("virtualizes the audit log and loads older pages while scrolling", async () => {
    const api = await loginAs(server.baseUrl, "admin", server.adminPassword);
    for (let i = 0; i < 130; i++) {
      await api.client.call("createTeam", { params: { orgId: "acme-labs" }, body: { slug: `bulk-${i}`, name: `Bulk ${i}` } });
    }
    const head = await api.client.call("listAuditEvents", { params: { orgId: "acme-labs" }, query: { limit: 1 } });
    const total = head.items[0]?.seq ?? 0;
    expect(total).toBeGreaterThan(140);

    await page.goto(`${server.baseUrl}/orgs/acme-labs/audit`);
    await page.getByText("100 events loaded").waitFor();
    // Only the visible rows are in the DOM.
    expect(await page.locator(".vrow").count()).toBeLessThan(60);
    for (let i = 0; i < 20; i++) {
      await page.locator(".vtable-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
      if (await page.getByText("end of log").count()) break;
      await page.waitForTimeout(150);
    }
    await page.getByText(/events loaded — end of log/).waitFor();
    const footer = await page.locator(".vtable-foot").textContent();
    expect(Number(/(\d+) events loaded/.exec(footer ?? "")?.[1])).toBeGreaterThan(100);
    // The oldest event of this organization is its creation.
    await page.locator('.vrow[data-action="organization.create"]').waitFor();
  });

  it("edits the profile, revokes another session and toggles the theme", async () => {
    await page.getByRole("button", { name: "User menu" }).click();
    await page.getByRole("menuitem", { name: "Profile" }).click();
    await page.getByLabel("Display name").fill("Ada Admin");
    await page.getByLabel("Email").fill("ada@example.com");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved").waitFor();
    const api = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const me = await api.client.call("getMe");
    expect([me.user.displayName, me.user.email]).toEqual(["Ada Admin", "ada@example.com"]);

    // The API login above is another session; revoke it from here.
    await page.getByRole("button", { name: "User menu" }).click();
    await page.getByRole("menuitem", { name: "Sessions" }).click();
    const rows = page.locator('[data-resource="sessions"] tr[data-row]');
    await page.waitForFunction(() => document.querySelectorAll('[data-resource="sessions"] tr[data-row]').length >= 2);
    const before = await rows.count();
    expect(await rows.first().getByText("this session").count()).toBe(1);
    expect(await rows.first().getByRole("button", { name: "Revoke" }).isDisabled()).toBe(true);
    await rows.nth(1).getByRole("button", { name: "Revoke" }).click();
    await confirm(page);
    await page.waitForFunction((n) => document.querySelectorAll('[data-resource="sessions"] tr[data-row]').length === n - 1, before);

    await page.getByRole("button", { name: "User menu" }).click();
    await page.getByRole("menuitem", { name: /^Theme/ }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    await page.keyboard.press("t");
    await page.keyboard.press("t");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
  });

  it("jumps to a project by name from the command palette", async () => {
    await page.goto(`${server.baseUrl}/orgs/acme-labs/teams`);
    await page.getByRole("heading", { name: "Teams" }).waitFor();
    await page.keyboard.press("Control+k");
    await page.getByPlaceholder("Type a command or search…").fill("ledger");
    await page.getByRole("option", { name: /Open project Ledger/ }).waitFor();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/orgs\/acme-labs\/projects\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: "Ledger" }).waitFor();
  });

  it("renames the organization, sets audit retention, then deletes it", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Name").fill("Acme Research");
    await page.getByLabel("Keep audit events forever").uncheck();
    await page.getByLabel("Keep audit events for (days)").fill("90");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();
    const api = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const org = await api.client.call("getOrg", { params: { orgId: "acme-labs" } });
    expect([org.name, org.auditRetentionDays]).toEqual(["Acme Research", 90]);
    await page.getByRole("button", { name: "Switch organization" }).getByText("Acme Research").waitFor();

    await page.getByRole("button", { name: "Delete organization" }).click();
    await confirm(page);
    await page.waitForURL((url) => /\/orgs\/[^/]+\/projects$/.test(url.pathname) && !url.pathname.includes("acme-labs"));
    await expect(api.client.call("getOrg", { params: { orgId: "acme-labs" } })).rejects.toMatchObject({ status: 404 });
  });

  // Last: it changes the admin password the other tests log in with.
  it("changes the password, explaining a wrong current password first", async () => {
    await page.goto(`${server.baseUrl}/me/profile`);
    await page.getByLabel("Current password").fill("not-my-password");
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
    await page.getByLabel("Repeat new password").fill("a brand new passphrase");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.locator("form", { hasText: "Change password" }).locator(".alert-error").waitFor();
    expect(await page.getByLabel("New password", { exact: true }).inputValue()).toBe("a brand new passphrase");

    await page.getByLabel("Current password").fill(server.adminPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Password changed.").waitFor();
    await expect(loginAs(server.baseUrl, "admin", server.adminPassword)).rejects.toThrow(/401/);
    expect((await loginAs(server.baseUrl, "admin", "a brand new passphrase")).userId).toBeTruthy();
  });
});
