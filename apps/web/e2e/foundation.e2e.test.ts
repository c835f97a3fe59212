import { readFile } from "node:fs/promises";
import { loginAs, startTestServer, type TestServer } from "@meridian/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { chromiumArgs, chromiumPath } from "./browser";
import { type BuiltWebApp, buildWebApp } from "./web-app";

// The foundation flow in a real browser against the real server: log in, create a project, invite someone,
// accept as a new user in a second browser, change their role, and find all of it in the audit log.
describe("web UI: organization foundation", () => {
  let server: TestServer;
  let web: BuiltWebApp;
  let browser: Browser;
  let admin: Page;

  beforeAll(async () => {
    web = await buildWebApp();
    server = await startTestServer({ env: { MERIDIAN_WEB_DIR: web.dir } });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    admin.on("pageerror", (e) => console.error("admin page error:", e.message));
    admin.on("console", (m) => m.type() === "error" && console.error("admin console:", m.text()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await web?.remove();
  });

  it("explains a wrong password and then logs in", async () => {
    await admin.goto(`${server.baseUrl}/`);
    await admin.waitForURL(/\/login/);
    await admin.getByLabel("Username").fill("admin");
    await admin.getByLabel("Password").fill("not-the-password");
    await admin.getByRole("button", { name: "Log in" }).click();
    const alert = admin.locator(".alert-error");
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(5);
    // The form keeps what was typed.
    expect(await admin.getByLabel("Username").inputValue()).toBe("admin");

    // Repeated failures for one name are throttled; the page says how long to wait.
    await admin.getByLabel("Username").fill("mallory");
    for (let i = 0; i < 6 && !(await alert.textContent())?.includes("Try again in"); i++) {
      await admin.getByRole("button", { name: "Log in" }).click();
      await admin.getByRole("button", { name: "Log in" }).and(admin.locator(":not([aria-busy])")).waitFor();
    }
    expect(await alert.textContent()).toMatch(/Too many attempts\. Try again in \d+ seconds\./);

    await admin.getByLabel("Username").fill("admin");
    await admin.getByLabel("Password").fill(server.adminPassword);
    await admin.getByRole("button", { name: "Log in" }).click();
    await admin.waitForURL(/\/orgs\/[^/]+\/projects$/);
    await admin.getByRole("heading", { name: "Projects", exact: true }).waitFor();
    await admin.getByRole("heading", { name: "No projects yet" }).waitFor();
  });

  it("runs the invite-and-promote flow and shows it in the audit log", async () => {
    const orgSlug = new URL(admin.url()).pathname.split("/")[2] ?? "";

    // Create a project with the default environments.
    await admin.getByRole("button", { name: "Create project" }).first().click();
    const dialog = admin.getByRole("dialog", { name: "Create project" });
    await dialog.getByLabel("Name").fill("Payments API");
    expect(await dialog.getByLabel("Slug").inputValue()).toBe("payments-api");
    await dialog.getByRole("button", { name: "Create project" }).click();
    await admin.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    await admin.getByRole("heading", { name: "Payments API" }).waitFor();
    for (const env of ["dev", "staging", "prod"]) await admin.locator(`[data-env="${env}"]`).waitFor();

    // A taken slug is reported next to the slug field, and the dialog keeps what was typed.
    await admin.keyboard.press("c");
    await admin.keyboard.press("p");
    const again = admin.getByRole("dialog", { name: "Create project" });
    await again.getByLabel("Name").fill("Payments API");
    await again.getByLabel("Description").fill("second try");
    await again.getByRole("button", { name: "Create project" }).click();
    await again.locator(".field-invalid", { has: admin.getByLabel("Slug") }).locator(".field-error").waitFor();
    expect(await again.getByLabel("Description").inputValue()).toBe("second try");
    await again.getByRole("button", { name: "Cancel" }).click();

    // Keyboard shortcut from the action registry: g i -> invitations.
    await admin.locator("body").click({ position: { x: 5, y: 300 } });
    await admin.keyboard.press("g");
    await admin.keyboard.press("i");
    await admin.waitForURL(/\/invitations$/);
    await admin.getByRole("button", { name: "Invite member" }).first().click();
    const invite = admin.getByRole("dialog", { name: "Invite member" });
    await invite.getByLabel("Email").fill("dana@example.com");
    await invite.getByLabel("Role").selectOption({ label: "Developer" });
    await invite.getByRole("button", { name: "Create invitation" }).click();
    const linkField = admin.getByRole("textbox", { name: "Invitation link" });
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);
    await admin.getByRole("button", { name: "Done" }).click();
    await admin.locator("tr[data-row]", { hasText: "dana@example.com" }).getByText("pending").waitFor();

    // A second browser, not logged in, signs up through the link.
    const guest = await (await browser.newContext()).newPage();
    guest.on("pageerror", (e) => console.error("guest page error:", e.message));
    onTestFailed(async () => {
      await guest.screenshot({ path: "/tmp/e2e-failure-guest.png" }).catch(() => {});
      await admin.screenshot({ path: "/tmp/e2e-failure-admin.png" }).catch(() => {});
    });
    await guest.goto(`${server.baseUrl}${new URL(link).pathname}`);
    await guest.getByRole("heading", { name: /^Join / }).waitFor();
    await guest.getByLabel("Username").fill("dana");
    await guest.getByLabel("Display name").fill("Dana Scully");
    await guest.getByLabel("Password").fill("a long enough passphrase");
    await guest.getByRole("button", { name: "Sign up and join" }).click();
    await guest.waitForURL(new RegExp(`/orgs/${orgSlug}/projects$`));
    await guest.getByRole("link", { name: "Payments API" }).waitFor();

    // Back as admin: change Dana's roles from Developer to Viewer.
    await admin.goto(`${server.baseUrl}/orgs/${orgSlug}/members`);
    const row = admin.locator("tr[data-row]", { hasText: "@dana" });
    await row.getByText("Developer").waitFor();
    await row.getByRole("button", { name: "Change roles" }).click();
    const rolesDialog = admin.getByRole("dialog", { name: /Roles of Dana Scully/ });
    await rolesDialog.getByRole("checkbox", { name: /^Developer/ }).uncheck();
    await rolesDialog.getByRole("checkbox", { name: /^Viewer/ }).check();
    await rolesDialog.getByRole("button", { name: "Save roles" }).click();
    await row.getByText("Viewer").waitFor();
    expect(await row.getByText("Developer").count()).toBe(0);

    // The member's access lists the organization binding the role change made.
    await row.getByRole("button", { name: "Access" }).click();
    const access = admin.getByRole("dialog", { name: /Access of Dana Scully/ });
    await access.locator("tr[data-row]", { hasText: "Viewer" }).getByText("organization").waitFor();
    await access.getByRole("button", { name: "Done" }).click();

    // The server agrees.
    const api = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const members = await api.client.call("listMembers", { params: { orgId: orgSlug }, query: { q: "dana" } });
    expect(members.items.map((m) => [m.username, m.roles.map((r) => r.roleName)])).toEqual([["dana", ["Viewer"]]]);

    // Dana, now a viewer, sees creation disabled with the reason (permission-aware actions).
    await guest.reload();
    const create = guest.locator('[data-action="project.create"]').first();
    await create.waitFor();
    expect(await create.isDisabled()).toBe(true);
    expect(await create.locator("xpath=..").getAttribute("title")).toContain("project:create");
    expect(await guest.locator(".nav-link.disabled", { hasText: "Audit log" }).getAttribute("title")).toContain("audit:read");

    // Audit log, reached through the command palette.
    await admin.keyboard.press("Control+k");
    await admin.getByPlaceholder("Type a command or search…").fill("audit log");
    await admin.keyboard.press("Enter");
    await admin.waitForURL(/\/audit$/);
    for (const action of ["project.create", "invitation.create", "invitation.accept", "member.roles.set"]) {
      await admin.locator(`.vrow[data-action="${action}"]`).first().waitFor();
    }
    await admin.locator('.vrow[data-action="member.roles.set"]').first().click();
    const drawer = admin.getByRole("dialog", { name: /^Event #\d+/ });
    await drawer.getByText("Hash chain").waitFor();
    expect(await drawer.getByTestId("audit-summary").textContent()).not.toBe("");
    await admin.keyboard.press("Escape");

    // Filter by action and verify the chain.
    await admin.getByLabel("Action").fill("invitation.*");
    await admin.getByRole("button", { name: "Apply" }).click();
    await admin.waitForURL(/\/audit\?action=invitation\.\*$|\/audit\?action=invitation\.%2A$/);
    await admin.waitForFunction(() => {
      const rows = [...document.querySelectorAll(".vrow")];
      return rows.length > 0 && rows.every((r) => r.getAttribute("data-action")?.startsWith("invitation."));
    });
    // Export uses the same filters.
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("button", { name: "Export JSON lines" }).click()]);
    const path = await download.path();
    const lines = (await readFile(path, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { action: string });
    expect(lines.map((l) => l.action).sort()).toEqual(["invitation.accept", "invitation.create"]);
    expect(download.suggestedFilename()).toMatch(/\.jsonl$/);

    await admin.getByRole("button", { name: "Verify audit chain" }).click();
    await admin.getByText("Chain intact.").waitFor();

    // Someone with database access rewrites history: the same button now names the event and the problem.
    const db = await server.openDatabase();
    let tampered: number;
    try {
      const row = await db.query<{ seq: string }>("SELECT seq FROM audit_events WHERE action = 'project.create' AND target_name = 'payments-api'");
      tampered = Number(row.rows[0]?.seq);
      await db.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
      await db.query("UPDATE audit_events SET actor_name = 'mallory' WHERE action = 'project.create' AND target_name = 'payments-api'");
      await db.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
    } finally {
      await db.close();
    }
    await admin.getByRole("button", { name: "Verify again" }).click();
    const verify = admin.getByRole("dialog", { name: "Verify audit chain" });
    await verify.getByText(/problems? found/).waitFor();
    const problem = verify.locator("tbody tr", { hasText: "altered" });
    expect(await problem.locator("td").first().textContent()).toBe(String(tampered));
  });
});
