import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { queryDuck } from "@meridian/testing/duck";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logIn, newPage, shoot } from "./helpers";
import { type BuiltWebApp, buildWebApp } from "./web-app";

// The real FOCUS sample (packages/cost/testdata), cut to the conforming subset the API tests import:
// the AWS rows minus Amazon EC2 (filed under two ServiceCategories).
const focusSample = fileURLToPath(new URL("../../../packages/cost/testdata/finops-data/focus-sample-data-1.0/focus_sample.csv", import.meta.url));

const duck = queryDuck;

/** Exact sum of decimal strings, in DuckDB rather than floating point. */
async function exactSum(values: string[]): Promise<string> {
  const [r] = await duck(`SELECT sum(CAST(v AS DECIMAL(38,18)))::DECIMAL(38,15)::VARCHAR AS s FROM unnest($1::VARCHAR[]) t(v)`, [JSON.stringify(values)]);
  return String(r?.s);
}

describe("web UI: cost", () => {
  let server: TestServer;
  let web: BuiltWebApp;
  let browser: Browser;
  let page: Page;
  let admin: Session;
  let dir: string;
  let subset: string;
  let expected: { rows: number; effective: string; billed: string; services: number };
  let org = "";
  const shot = (name: string) => shoot(page, name, "cost");
  const dialog = () => page.getByRole("dialog", { name: "Import a bill" });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "meridian-cost-e2e-"));
    subset = join(dir, "aws-subset.csv");
    await duck(
      `COPY (SELECT * FROM read_csv($1, all_varchar = true) WHERE "ProviderName" = 'AWS' AND "ServiceName" <> 'Amazon Elastic Compute Cloud') TO '${subset}' (HEADER)`,
      [focusSample],
    );
    const [row] = await duck(
      `SELECT count(*)::VARCHAR AS n, sum(CAST(NULLIF("EffectiveCost", 'NULL') AS DECIMAL(38,15)))::VARCHAR AS e,
        sum(CAST(NULLIF("BilledCost", 'NULL') AS DECIMAL(38,15)))::VARCHAR AS b, count(DISTINCT "ServiceName")::VARCHAR AS s FROM read_csv($1, all_varchar = true)`,
      [subset],
    );
    expected = { rows: Number(row?.n), effective: String(row?.e), billed: String(row?.b), services: Number(row?.s) };
    web = await buildWebApp();
    server = await startTestServer({ env: { MERIDIAN_WEB_DIR: web.dir } });
    admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    org = (await admin.client.call("getMe")).organizations[0]?.slug ?? "";
    browser = await launchBrowser();
    page = await newPage(browser, "admin", { width: 1360, height: 900 });
    page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && console.error("console:", m.text()));
    await logIn(page, server.baseUrl, "admin", server.adminPassword);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await web?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("says what to do before any bill is loaded", async () => {
    await page.getByRole("link", { name: "Cost", exact: true }).click();
    await page.waitForURL(/\/cost$/);
    await page.getByRole("heading", { name: "No bills imported yet" }).waitFor();
    await page.locator(".empty-state").getByRole("button", { name: "Import a FOCUS bill" }).waitFor();
    await shot("empty");
  });

  it("rejects a bad file with its row problems and imports nothing", async () => {
    const lines = (await readFile(subset, "utf8")).split("\n");
    const middle = Math.floor(lines.length / 2);
    lines[middle] = (lines[middle] as string).replace(/,Usage,/, ",Usgae,");
    const bad = join(dir, "bad-row.csv");
    await writeFile(bad, lines.join("\n"));

    await page.locator(".empty-state").getByRole("button", { name: "Import a FOCUS bill" }).click();
    await dialog().getByLabel("Bill file").setInputFiles(bad);
    await dialog().getByText("bad-row.csv").waitFor();
    await dialog().getByRole("button", { name: "Import" }).click();
    const error = dialog().getByTestId("import-error");
    await error.waitFor({ timeout: 60_000 });
    await error.getByText("Nothing was imported.").waitFor();
    const problem = error.locator(`tr[data-line="${middle + 1}"]`);
    await problem.waitFor();
    expect(await problem.textContent()).toContain("ChargeCategory");
    expect(await problem.textContent()).toContain("Usgae");
    expect(await problem.textContent()).toContain("ChargeCategory-C-003-M");
    await shot("import-rejected");
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "detached" });
    expect((await admin.client.call("listCostImports", { params: { orgId: org } })).items).toEqual([]);
  });

  it("imports the real FOCUS sample with upload progress and shows the conformance report", async () => {
    await page.locator(".empty-state").getByRole("button", { name: "Import a FOCUS bill" }).click();
    // Drag and drop: a DataTransfer holding the file, dropped on the zone.
    const bytes = await readFile(subset);
    const transfer = await page.evaluateHandle(
      ({ b64, name }) => {
        const dt = new DataTransfer();
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bin], name, { type: "text/csv" }));
        return dt;
      },
      { b64: bytes.toString("base64"), name: "aws-subset.csv" },
    );
    await dialog().getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: transfer });
    await dialog().getByText("aws-subset.csv").waitFor();
    expect(await dialog().getByLabel("Format").locator("option:checked").textContent()).toContain("FOCUS CSV");
    // Progress comes from the upload's own events: record every value the bar shows.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"]');
        if (bar) seen.push(bar.getAttribute("aria-valuetext") ?? "");
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await dialog().getByRole("button", { name: "Import" }).click();
    const result = dialog().getByTestId("import-result");
    await result.waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.some((s) => /%$/.test(s))).toBe(true);
    expect(Number(await result.getByTestId("import-rows").textContent().then((t) => t?.replace(/,/g, "")))).toBe(expected.rows);
    expect(await result.getByTestId("import-periods").textContent()).toBe("2024-09");
    expect(await result.getByTestId("import-conformance").textContent()).toMatch(/^\d+ of \d{3,} rules passed$/);
    await shot("import-result");
    await dialog().getByRole("button", { name: "Done" }).click();
    await dialog().waitFor({ state: "detached" });
  });

  it("lists the loaded provider, account and period", async () => {
    const loaded = page.getByRole("table", { name: "Loaded billing periods" });
    await loaded.locator('tr[data-provider="AWS"]').waitFor();
    expect(await loaded.locator("tbody tr").count()).toBe(1);
    expect(await loaded.locator("tbody tr").textContent()).toContain("Sep 2024");
    expect(await page.getByTestId("loaded-summary").textContent()).toBe("1 provider · 1 billing account · 1 billing period");
  });

  it("explores by service: a stacked chart and a table whose rows sum to the total", async () => {
    // EffectiveCost is 0 on every AWS row of the sample: the page says so and offers the billed cost.
    const total = page.getByTestId("cost-total");
    await total.waitFor();
    expect(await total.getAttribute("data-cost")).toBe(expected.effective);
    await page.getByRole("button", { name: "Show billed cost" }).click();
    expect(await page.getByLabel("Metric").inputValue()).toBe("BilledCost");
    await expect.poll(() => total.getAttribute("data-cost")).toBe(expected.billed);
    const table = page.getByRole("table", { name: "Billed cost by Service" });
    const rows = table.locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(expected.services);
    const costs = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-cost") ?? ""));
    expect(await exactSum(costs)).toBe(expected.billed);
    // A chart with one bar per day of September, stacked from at most 9 series (top 8 + Other), with a legend.
    const chart = page.getByTestId("cost-chart");
    expect(await chart.locator(".chart-bar").count()).toBe(30);
    expect(await chart.locator(".chart-seg").count()).toBeGreaterThan(30);
    expect(await chart.locator(".chart-legend li").count()).toBe(Math.min(9, expected.services));
    // Keyboard: focus the first bar, arrows move, the tooltip lists the values.
    const firstBar = chart.locator(".chart-bar").first();
    await firstBar.focus();
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowLeft");
    const tip = page.getByTestId("chart-tooltip");
    await tip.getByText("Sep 29").waitFor();
    await tip.getByText("Total").waitFor();
    // Hover shows the same.
    await chart.locator('.chart-bar[data-period="2024-09-15"] .chart-hit').hover();
    await tip.getByText("Sep 15").waitFor();
    await shot("explorer");
    await table.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await shot("explorer-table");

    // Sorting by name puts the rows in alphabetical order.
    await table.getByRole("button", { name: /^Service/ }).click();
    const names = await table.locator("tbody .cost-group-label").allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(await table.locator("th").first().getAttribute("aria-sort")).toBe("ascending");
  });

  it("groups by month and by provider, and filters", async () => {
    await page.getByLabel("Group by").selectOption("ProviderName");
    await page.locator(".segmented label", { hasText: "Month" }).click();
    const table = page.getByRole("table", { name: "Billed cost by Provider" });
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    await expect.poll(() => page.getByTestId("cost-chart").locator(".chart-bar").count()).toBe(1);
    await page.getByLabel("Group by").selectOption("ServiceName");
    await page.locator(".segmented label", { hasText: "Day" }).click();
    const byService = page.getByRole("table", { name: "Billed cost by Service" });
    const top = (await byService.locator("tbody tr").first().getAttribute("data-group")) as string;
    await page.getByLabel("Filter dimension").selectOption("ServiceName");
    await page.getByLabel("Filter value").fill(top);
    await page.getByRole("button", { name: "Add filter" }).click();
    await expect.poll(() => byService.locator("tbody tr").count()).toBe(1);
    expect(await exactSum([(await page.getByTestId("cost-total").getAttribute("data-cost")) as string])).toBe(await exactSum([(await byService.locator("tbody tr").first().getAttribute("data-cost")) as string]));
    await page.getByRole("button", { name: `Remove filter Service = ${top}` }).click();
    await expect.poll(() => byService.locator("tbody tr").count()).toBe(expected.services);
    // A range without bills says so.
    await page.getByLabel("Time range").selectOption("last30");
    await page.getByRole("heading", { name: "No cost in this range" }).waitFor();
    await page.getByLabel("Time range").selectOption("custom");
    await page.getByLabel("From").fill("2024-09-10");
    await page.getByLabel("To (inclusive)").fill("2024-09-12");
    await expect.poll(() => page.getByTestId("cost-chart").locator(".chart-bar").count()).toBe(3);
    await page.getByLabel("Time range").selectOption("loaded");
    await expect.poll(() => page.getByTestId("cost-total").getAttribute("data-cost")).toBe(expected.billed);
  });

  it("exports the query as CSV", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`cost-${org}-2024-09-01-to-2024-09-30.csv`);
    const lines = (await readFile((await download.path()) as string, "utf8")).trim().split("\n");
    expect(lines[0]).toBe("ServiceName,period,BilledCost");
    const costs = lines.slice(1).map((l) => l.split(",").pop() as string);
    expect(await exactSum(costs)).toBe(expected.billed);
  });
});
