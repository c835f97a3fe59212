import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import type { CostImportResult, CostPeriod, CostQueryResult } from "@meridian/core";
import { startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRunner, createCliRunner } from "./run-cli.js";

const focusSample = fileURLToPath(new URL("../../../packages/cost/testdata/finops-data/focus-sample-data-1.0/focus_sample.csv", import.meta.url));

let server: TestServer;
let dir: string;
let cli: CliRunner;
let subset: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-cost-"));
  cli = createCliRunner(join(dir, "config", "meridian", "config.json"));
  // Real conforming rows: the FOCUS sample's AWS rows minus Amazon EC2 (filed under two ServiceCategories).
  subset = join(dir, "aws-subset.csv");
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(
    `COPY (SELECT * FROM read_csv($1, all_varchar = true) WHERE "ProviderName" = 'AWS' AND "ServiceName" <> 'Amazon Elastic Compute Cloud') TO '${subset}' (HEADER)`,
    [focusSample],
  );
  c.closeSync();
  db.closeSync();
  const login = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password-stdin"], { input: `${server.adminPassword}\n` });
  expect(login.code).toBe(0);
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const range = ["--from", "2024-01-01", "--to", "2025-01-01"];

describe("meridian cost", () => {
  it("imports a bill, prints the conformance summary, and lists the period", async () => {
    const r = await cli(["cost", "import", subset]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Imported \d+ row\(s\) from aws-subset\.csv \(csv, [\d.]+ KiB\); replaced billing period\(s\) 2024-09-01T00:00:00Z/);
    expect(r.stdout).toMatch(/FOCUS 1\.2\S* conformance: \d+ of \d+ rules passed/);
    const again = await cli.json<CostImportResult>(["cost", "import", subset]);
    const periods = await cli.json<CostPeriod[]>(["cost", "imports"]);
    expect(periods).toHaveLength(1);
    expect(periods[0]?.rows).toBe(again.rows);
    const table = await cli(["cost", "imports"]);
    expect(table.stdout).toMatch(/AWS\s+\S+\s+2024-09-01\s+\d+/);
  });

  it("exits 1 on a rejected file, listing its row problems with line numbers, and imports nothing", async () => {
    const lines = readFileSync(subset, "utf8").split("\n");
    lines[5] = lines[5]!.replace(/,Usage,/, ",Usgae,");
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, lines.join("\n"));
    const before = await cli.json<CostPeriod[]>(["cost", "imports"]);
    const r = await cli(["cost", "import", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^6\s+ChargeCategory\s+Usgae\s+ChargeCategory-C-003-M/m);
    expect(r.stderr).toMatch(/error: bad\.csv was rejected; nothing was imported/);
    expect(await cli.json<CostPeriod[]>(["cost", "imports"])).toEqual(before);
  });

  it("queries grouped by service (as a table and JSON) and exports the same as CSV", async () => {
    const q = await cli.json<CostQueryResult>(["cost", "query", "--group-by", "ServiceName", ...range]);
    expect(q.series.length).toBeGreaterThan(3);
    const sum = q.series.reduce((s, r) => s + Number(r.cost), 0);
    expect(sum).toBeCloseTo(Number(q.total), 6);
    const table = await cli(["cost", "query", "--group-by", "ServiceName", ...range]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(q.series[0]!.dimensions.ServiceName as string);
    expect(table.stdout).toContain(`Total EffectiveCost: ${Number(q.total).toFixed(2)}`);
    const csv = await cli(["cost", "export", "--group-by", "ServiceName", ...range]);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split("\n");
    expect(rows[0]).toBe("ServiceName,EffectiveCost");
    expect(rows).toHaveLength(q.series.length + 1);
    const top = q.series[0]!;
    expect(rows[1]).toBe(`${top.dimensions.ServiceName},${top.cost}`);
    const filtered = await cli.json<CostQueryResult>(["cost", "query", ...range, "--filter", `ServiceName=${top.dimensions.ServiceName}`]);
    expect(filtered.total).toBe(top.cost);
  });
});
