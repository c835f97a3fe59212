import { mkdir } from "node:fs/promises";
import { type Browser, chromium, type Page } from "playwright-core";
import { chromiumArgs, chromiumPath } from "./browser";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** A fresh browser context (own cookies) with page errors echoed to the test output. */
export async function newPage(browser: Browser, name: string, opts: { width?: number; height?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`${name} page error:`, e.message));
  return page;
}

export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/orgs\/[^/]+\/projects$/);
}

/** Answers the confirmation prompt an action opened. */
export async function confirm(page: Page): Promise<void> {
  await page.getByTestId("confirm").click();
  await page.getByTestId("confirm").waitFor({ state: "detached" });
}

// Screenshots for docs/ only when asked (MERIDIAN_E2E_SHOTS=docs/screenshots), so a test run changes no files.
const shotsDir = process.env.MERIDIAN_E2E_SHOTS;

/** `<area>-<name>-light.png` and `-dark.png` into MERIDIAN_E2E_SHOTS, when set (area: the suite, "clusters" by default). */
export async function shoot(page: Page, name: string, area = "clusters"): Promise<void> {
  if (!shotsDir) return;
  await mkdir(shotsDir, { recursive: true });
  // Toasts from earlier steps would cover the page; hidden by a style, since React owns their nodes.
  const hide = await page.addStyleTag({ content: ".toasts { visibility: hidden; }" });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(250);
    await page.screenshot({ path: `${shotsDir}/${area}-${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await hide.evaluate((el) => (el as Element).remove());
}
