/**
 * Screenshots of the main pages in light and dark, desktop and phone width, for eyeballing the UI.
 * Usage: node --import tsx apps/web/e2e/shots.ts <baseUrl> <username> <password> [outDir]
 */
import { chromium } from "playwright-core";
import { chromiumArgs, chromiumPath } from "./browser";

const [baseUrl = "http://127.0.0.1:5173", username = "admin", password = "admin-password-123", outDir = "/tmp/shots"] = process.argv.slice(2);

const pages = ["projects", "members", "invitations", "roles", "tokens", "audit", "teams"];

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
      await context.close();
    }
  }
} finally {
  await browser.close();
}
