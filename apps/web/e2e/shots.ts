/**
 * Screenshots of the main pages in light and dark, desktop and phone width, for eyeballing the UI.
 * Usage: node --import tsx apps/web/e2e/shots.ts <baseUrl> <username> <password> [outDir]
 */
import { chromium } from "playwright-core";
import { chromiumArgs, chromiumPath } from "./browser";

const [baseUrl = "http://127.0.0.1:5173", username = "admin", password = "admin-password-123", outDir = "/tmp/shots"] = process.argv.slice(2);

const pages = ["projects", "members", "invitations", "roles", "tokens", "audit", "teams", "settings"];

async function dialogShots(page: import("playwright-core").Page, org: string, suffix: string) {
  const shot = async (name: string) => {
    await page.waitForTimeout(250); // let open animations finish
    await page.screenshot({ path: `${outDir}/${name}-${suffix}.png` });
  };
  await page.goto(`${baseUrl}/orgs/${org}/projects`);
  await page.getByRole("button", { name: "Create project" }).first().click();
  await page.getByLabel("Name").fill("Fraud detection");
  await shot("dialog-create-project");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+k");
  await page.keyboard.type("go");
  await shot("palette");
  await page.keyboard.press("Escape");
  await page.getByRole("link", { name: "Checkout API" }).click();
  await page.locator("[data-env=prod]").waitFor();
  await shot("project-detail");
  await page.goto(`${baseUrl}/orgs/${org}/roles`);
  await page.getByRole("button", { name: "Edit" }).first().click();
  await page.waitForTimeout(400);
  await shot("dialog-role-editor");
  await page.keyboard.press("Escape");
  await page.goto(`${baseUrl}/orgs/${org}/audit`);
  await page.locator(".vrow").first().click();
  await shot("audit-drawer");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Verify audit chain" }).click();
  await page.getByText("Chain intact.").waitFor();
  await shot("dialog-verify");
  await page.keyboard.press("Escape");
  await page.keyboard.press("?");
  await shot("dialog-shortcuts");
  await page.keyboard.press("Escape");
  await page.goto(`${baseUrl}/orgs/${org}/teams`);
  await page.getByRole("button", { name: "Members" }).first().click();
  await page.waitForTimeout(400);
  await shot("dialog-team-members");
  await page.keyboard.press("Escape");
  await page.goto(`${baseUrl}/orgs/${org}/tokens`);
  await page.getByRole("button", { name: "Create API token" }).first().click();
  await page.getByLabel("Name").fill(`shot-${Date.now()}`);
  await page.getByRole("dialog").getByRole("button", { name: "Create token" }).click();
  await page.getByRole("textbox", { name: "API token" }).waitFor();
  await shot("dialog-token-created");
  await page.keyboard.press("Escape");
  for (const p of ["me/profile", "me/sessions"]) {
    await page.goto(`${baseUrl}/${p}`);
    await page.waitForTimeout(500);
    await shot(p.replace("/", "-"));
  }
  await page.goto(`${baseUrl}/orgs/${org}/invitations`);
  await page.getByRole("button", { name: "Invite member" }).first().click();
  await page.getByLabel("Email").fill(`guest-${Date.now()}@example.com`);
  await page.getByRole("dialog").getByRole("button", { name: "Create invitation" }).click();
  const link = await page.getByRole("textbox", { name: "Invitation link" }).inputValue();
  await shot("dialog-invitation-link");
  await page.keyboard.press("Escape");
  const guest = await page.context().browser()?.newContext({ viewport: page.viewportSize() ?? undefined, colorScheme: suffix.startsWith("dark") ? "dark" : "light" });
  const guestPage = await guest?.newPage();
  await guestPage?.goto(`${baseUrl}${new URL(link).pathname}`);
  await guestPage?.getByRole("button", { name: "Sign up and join" }).waitFor();
  await guestPage?.screenshot({ path: `${outDir}/invite-page-${suffix}.png` });
  await guest?.close();
  await page.goto(`${baseUrl}/orgs/${org}/roles`);
  await page.getByRole("tab", { name: "Bindings" }).click();
  await page.waitForTimeout(500);
  await shot("role-bindings");
  await page.getByRole("button", { name: "User menu" }).click();
  await shot("user-menu");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Switch organization" }).click();
  await shot("org-menu");
}

async function phoneNavShot(page: import("playwright-core").Page, suffix: string) {
  await page.getByRole("button", { name: "Open navigation" }).click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${outDir}/nav-open-${suffix}.png` });
}

const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  for (const scheme of ["light", "dark"] as const) {
    for (const [device, viewport] of [
      ["desktop", { width: 1360, height: 860 }],
      ["phone", { width: 390, height: 800 }],
    ] as const) {
      const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: device === "phone" ? 2 : 1 });
      const page = await context.newPage();
      await page.goto(`${baseUrl}/login`);
      await page.screenshot({ path: `${outDir}/login-${scheme}-${device}.png` });
      await page.getByLabel("Username").fill(username);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(/\/orgs\/[^/]+\/projects/);
      const org = new URL(page.url()).pathname.split("/")[2];
      for (const p of pages) {
        await page.goto(`${baseUrl}/orgs/${org}/${p}`);
        await page.waitForTimeout(700);
        await page.screenshot({ path: `${outDir}/${p}-${scheme}-${device}.png`, fullPage: device === "phone" });
      }
      if (device === "desktop") await dialogShots(page, org ?? "", `${scheme}-${device}`);
      else await phoneNavShot(page, `${scheme}-${device}`);
      await context.close();
    }
  }
} finally {
  await browser.close();
}
