import { readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { queryDuck } from "@meridian/testing/duck";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Real bills written by others (packages/cost/testdata, with their licences).
const focusSample = fileURLToPath(new URL("../../../../packages/cost/testdata/finops-data/focus-sample-data-1.0/focus_sample.csv", import.meta.url));

let server: TestServer;
let admin: Session;
let bella: Session;
let dir: string;
/** The FOCUS sample's AWS rows minus Amazon EC2 (filed under two ServiceCategories): real rows that conform. */
let subset: string;
let expected: { rows: number; billed: string; effective: string };

const duck = queryDuck;

async function upload(session: Session, org: string, file: string, query: Record<string, string> = {}) {
  const qs = new URLSearchParams({ filename: file.split("/").pop() as string, ...query });
  const res = await fetch(`${server.baseUrl}/api/v1/orgs/${org}/cost/imports?${qs}`, {
    method: "POST",
    headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken, "content-type": "text/csv" },
    body: await readFile(file),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const periods = (s: Session, org: string) => s.client.call("listCostImports", { params: { orgId: org } }).then((r) => r.items);
const everything = { from: "2024-01-01", to: "2025-01-01" };

beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  dir = await mkdtemp(join(tmpdir(), "meridian-cost-api-"));
  subset = join(dir, "aws-subset.csv");
  await duck(
    `COPY (SELECT * FROM read_csv($1, all_varchar = true) WHERE "ProviderName" = 'AWS' AND "ServiceName" <> 'Amazon Elastic Compute Cloud') TO '${subset}' (HEADER)`,
    [focusSample],
  );
  const [row] = await duck(
    `SELECT count(*)::VARCHAR AS n, sum(CAST(NULLIF("BilledCost", 'NULL') AS DECIMAL(38,15)))::VARCHAR AS b,
      sum(CAST(NULLIF("EffectiveCost", 'NULL') AS DECIMAL(38,15)))::VARCHAR AS e FROM read_csv($1, all_varchar = true)`,
    [subset],
  );
  expected = { rows: Number(row?.n), billed: String(row?.b), effective: String(row?.e) };
  // A second tenant: bella is a viewer in "default" and owns "beta".
  const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
  const inv = await admin.client.call("createInvitation", { params: { orgId: "default" }, body: { email: "bella@example.com", roleId: roles.items.find((r) => r.slug === "viewer")!.id } });
  await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ signup: { username: "bella", password: "bella-password-123" } }),
  });
  bella = await loginAs(server.baseUrl, "bella", "bella-password-123");
  await bella.client.call("createOrg", { body: { slug: "beta", name: "Beta Inc" } });
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("cost API", () => {
  it("imports a real FOCUS file with its conformance report, and audits it without row contents", async () => {
    const r = await upload(admin, "default", subset);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ filename: "aws-subset.csv", format: "csv", rows: expected.rows, billingPeriods: ["2024-09-01T00:00:00Z"], ignoredColumns: ["Id"], conversion: null });
    expect(r.body.conformance.modelVersion).toMatch(/^1\.2/);
    expect(r.body.conformance.rulesEvaluated).toBeGreaterThan(100);
    expect(r.body.conformance.failed.every((f: { severity: string }) => f.severity === "warning")).toBe(true);
    const p = await periods(admin, "default");
    expect(p).toEqual([expect.objectContaining({ providerName: "AWS", billingPeriodStart: "2024-09-01T00:00:00Z", rows: expected.rows, billedCost: expected.billed, effectiveCost: expected.effective })]);

    const ev = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { action: "cost.import" } });
    expect(ev.items[0]).toMatchObject({ result: "success", target: { type: "cost", name: "aws-subset.csv" } });
    expect(ev.items[0]!.summary).toEqual({ filename: "aws-subset.csv", format: "csv", bytes: (await readFile(subset)).length, rows: expected.rows, billingPeriods: ["2024-09-01T00:00:00Z"] });
  });

  it("re-importing the same file replaces its period: totals equal, rows not doubled", async () => {
    const before = await periods(admin, "default");
    const r = await upload(admin, "default", subset);
    expect(r.status).toBe(201);
    expect(await periods(admin, "default")).toEqual(before);
    const q = await admin.client.call("queryCost", { params: { orgId: "default" }, query: { ...everything, metric: "BilledCost" } });
    expect(q.total).toBe(expected.billed);
  });

  it("answers 400 with row problems and commits nothing for a bad row, a truncated file and a wrong delimiter", async () => {
    const before = await periods(admin, "default");
    const text = await readFile(subset, "utf8");

    const lines = text.split("\n");
    const middle = Math.floor(lines.length / 2);
    lines[middle] = lines[middle]!.replace(/,Usage,/, ",Usgae,");
    const badRow = join(dir, "bad-row.csv");
    await writeFile(badRow, lines.join("\n"));
    const bad = await upload(admin, "default", badRow);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_input");
    expect(bad.body.error.message).toContain("bad-row.csv");
    expect(bad.body.error.message).not.toContain("meridian-upload-");
    expect(bad.body.error.details.errors).toContainEqual(expect.objectContaining({ line: middle + 1, column: "ChargeCategory", value: "Usgae", ruleId: "ChargeCategory-C-003-M" }));
    expect(bad.body.error.details.report.failed.length).toBeGreaterThan(0);

    const cut = join(dir, "truncated.csv");
    const lastQuote = text.lastIndexOf('"{');
    await writeFile(cut, text.slice(0, lastQuote + 5));
    const truncated = await upload(admin, "default", cut);
    expect(truncated.status).toBe(400);
    expect(String(truncated.body.error.details.rule)).toMatch(/^csv-/);
    expect(truncated.body.error.message).toMatch(/truncated\.csv .*(truncated|well-formed|unterminated)/);

    const semi = join(dir, "semicolon.csv");
    await duck(`COPY (SELECT * FROM read_csv($1, all_varchar = true)) TO '${semi}' (HEADER, DELIMITER ';')`, [subset]);
    const wrong = await upload(admin, "default", semi);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toMatchObject({ rule: "csv-delimiter", delimiter: ";", line: 1 });

    expect(await periods(admin, "default")).toEqual(before);
  });

  it("groups by service (summing to the total), by tag and by day, filters, and exports the same as CSV", async () => {
    const byService = await admin.client.call("queryCost", { params: { orgId: "default" }, query: { ...everything, groupBy: "ServiceName" } });
    expect(byService.total).toBe(expected.effective);
    expect(byService.series.length).toBeGreaterThan(3);
    const [services] = await duck(`SELECT count(DISTINCT "ServiceName")::VARCHAR AS n FROM read_csv($1, all_varchar = true)`, [subset]);
    expect(byService.series).toHaveLength(Number(services?.n));
    // Exact: sum the decimal strings in DuckDB, not in floating point.
    const [sum] = await duck(`SELECT sum(CAST(v AS DECIMAL(38,15)))::VARCHAR AS s FROM unnest($1::VARCHAR[]) t(v)`, [JSON.stringify(byService.series.map((s) => s.cost))]);
    expect(sum?.s).toBe(expected.effective);

    const top = byService.series[0]!;
    const filtered = await admin.client.call("queryCost", { params: { orgId: "default" }, query: { ...everything, filter: `ServiceName=${top.dimensions.ServiceName}` } });
    expect(filtered.total).toBe(top.cost);

    const daily = await admin.client.call("queryCost", { params: { orgId: "default" }, query: { ...everything, groupBy: "ProviderName", granularity: "day" } });
    expect(daily.series.every((s) => /^2024-\d\d-\d\dT00:00:00Z$/.test(String(s.period)))).toBe(true);
    const tagged = await admin.client.call("queryCost", { params: { orgId: "default" }, query: { ...everything, groupBy: "tag:env" } });
    expect(tagged.series.map((s) => Object.keys(s.dimensions))).toEqual(tagged.series.map(() => ["tag:env"]));

    const csv = await (await admin.client.raw("exportCost", { params: { orgId: "default" }, query: { ...everything, groupBy: "ServiceName" } })).text();
    const rows = csv.trim().split("\n");
    expect(rows[0]).toBe("ServiceName,EffectiveCost");
    expect(rows).toHaveLength(byService.series.length + 1);
    expect(rows[1]).toBe(`${top.dimensions.ServiceName},${top.cost}`);

    const bad = await admin.client.call("queryCost", { params: { orgId: "default" }, query: { ...everything, groupBy: "Nope" } }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400 });
  });

  it("refuses an anonymous upload before writing anything to disk", async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith("meridian-upload-")).length;
    const res = await fetch(`${server.baseUrl}/api/v1/orgs/default/cost/imports?filename=x.csv`, { method: "POST", headers: { "content-type": "text/csv" }, body: "a,b\n1,2\n" });
    expect(res.status).toBe(401);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("meridian-upload-")).length).toBe(before);
  });

  it("keeps each organization's bills to itself", async () => {
    // beta has nothing yet, while default has its bill.
    expect(await periods(bella, "beta")).toEqual([]);
    expect((await bella.client.call("queryCost", { params: { orgId: "beta" }, query: everything })).total).toBeNull();
    const r = await upload(bella, "beta", subset);
    expect(r.status).toBe(201);
    expect((await periods(bella, "beta"))[0]?.rows).toBe(expected.rows);
    // default still has exactly one copy: beta's import did not land in it or replace it.
    expect((await periods(admin, "default")).map((p) => p.rows)).toEqual([expected.rows]);
    // admin is not a member of beta: 404, not its data.
    const outsider = await admin.client.call("queryCost", { params: { orgId: "beta" }, query: everything }).catch((e: unknown) => e);
    expect(outsider).toMatchObject({ status: 404 });
    // bella is a viewer in default: she reads its cost but may not import.
    expect((await periods(bella, "default"))[0]?.rows).toBe(expected.rows);
    expect((await upload(bella, "default", subset)).status).toBe(403);
  });
});
