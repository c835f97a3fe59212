/**
 * Foundation benchmarks (issue 2): authenticated list throughput and latency, the cost of the audit write
 * per mutation, and the cold start of `meridian up` on an existing data dir. Prints figures; asserts nothing.
 * Run: npm run bench -- api
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loginAs, serverBundle, startTestServer, tokenClient } from "@meridian/testing";
import autocannon from "autocannon";
import { appendAuditEvent } from "../apps/server/src/audit/audit-writer.js";


function runCannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

const pct = (r: autocannon.Result, p: "p50" | "p99" | "p99_9") => (r.latency as unknown as Record<string, number>)[p];

async function benchList(readCache: "on" | "off"): Promise<void> {
  console.log(`-- read cache ${readCache}`);
  const server = await startTestServer({ env: { MERIDIAN_LOG_LEVEL: "error", MERIDIAN_READ_CACHE: readCache } });
  try {
    const admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    for (let i = 0; i < 50; i++) await admin.client.call("createProject", { params: { orgId: "default" }, body: { slug: `project-${i}`, name: `Project ${i}`, environments: ["dev"] } });
    const roles = await admin.client.call("listRoles", { params: { orgId: "default" } });
    const viewer = roles.items.find((r) => r.slug === "viewer")!;
    const tok = await admin.client.call("createToken", { params: { orgId: "default" }, body: { name: "bench", roleId: viewer.id } });
    const check = await tokenClient(server.baseUrl, tok.token).call("listProjects", { params: { orgId: "default" }, query: { limit: 50 } });
    if (check.items.length !== 50) throw new Error(`expected 50 projects, got ${check.items.length}`);
    const url = `${server.baseUrl}/api/v1/orgs/default/projects?limit=50`;
    const headers = { authorization: `Bearer ${tok.token}` };
    await runCannon({ url, headers, connections: 10, duration: 3 }); // warm-up
    const max = await runCannon({ url, headers, connections: 20, pipelining: 1, duration: 10 });
    console.log(`GET 50-item list (token auth), 20 connections, 10 s: ${Math.round(max.requests.average)} req/s, p50 ${pct(max, "p50")} ms, p99 ${pct(max, "p99")} ms, errors ${max.errors + max.non2xx}`);
    const rated = await runCannon({ url, headers, connections: 10, overallRate: 1000, duration: 10 });
    console.log(`GET 50-item list at 1,000 req/s for 10 s: p50 ${pct(rated, "p50")} ms, p99 ${pct(rated, "p99")} ms, p99.9 ${pct(rated, "p99_9")} ms, sent ${rated.requests.total}, errors ${rated.errors + rated.non2xx}`);
    const cookieHeaders = { cookie: admin.cookie };
    const sess = await runCannon({ url, headers: cookieHeaders, connections: 20, duration: 5 });
    console.log(`GET 50-item list (session cookie), 20 connections, 5 s: ${Math.round(sess.requests.average)} req/s, p99 ${pct(sess, "p99")} ms`);

    // The audit write per mutation: the same transaction with and without appendAuditEvent, in-process.
    const db = await server.openDatabase();
    const org = (await db.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'default'")).rows[0]!;
    const n = 500;
    const withoutAudit = await time(n, (i) => db.transaction(async (tx) => {
      await tx.query("INSERT INTO teams (id, org_id, slug, name) VALUES (gen_random_uuid(), $1, $2, 'x')", [org.id, `plain-${i}`]);
    }));
    const withAudit = await time(n, (i) => db.transaction(async (tx) => {
      await tx.query("INSERT INTO teams (id, org_id, slug, name) VALUES (gen_random_uuid(), $1, $2, 'x')", [org.id, `audited-${i}`]);
      await appendAuditEvent(tx, { orgId: org.id, time: new Date(), actor: { kind: "system", id: null, name: "bench" }, action: "team.create", target: { type: "team", id: null, name: `audited-${i}` }, summary: { name: "x" }, result: "success", ip: "127.0.0.1", userAgent: "bench", requestId: `b-${i}` });
    }));
    await db.close();
    console.log(`mutation transaction without audit: ${withoutAudit.toFixed(2)} ms; with the hash-chained audit event: ${withAudit.toFixed(2)} ms; audit cost ${(withAudit - withoutAudit).toFixed(2)} ms per mutation (mean of ${n})`);
    const apiMutation = await time(200, (i) => admin.client.call("createTeam", { params: { orgId: "default" }, body: { slug: `api-${i}`, name: "API" } }));
    console.log(`POST createTeam over HTTP (session, audit included): ${apiMutation.toFixed(2)} ms mean of 200 sequential`);
  } finally {
    await server.stop();
  }
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return (performance.now() - t) / n;
}

/** Process start to first /readyz 200, on a data dir that already holds a database. */
async function benchColdStart(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "meridian-bench-"));
  try {
    const first = await startTestServer({ dataDir });
    await first.stop();
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push(await timeStart(dataDir));
    samples.sort((a, b) => a - b);
    console.log(`cold start of meridian up on an existing data dir (spawn -> /readyz 200): median ${samples[2]} ms, min ${samples[0]} ms, max ${samples[4]} ms (5 runs)`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function timeStart(dataDir: string): Promise<number> {
  const t = Date.now();
  const child = spawn(process.execPath, [serverBundle, "up", "--port", "0", "--data-dir", dataDir], {
    env: { ...process.env, MERIDIAN_LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /Meridian is up at (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", () => reject(new Error(out)));
  });
  while ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) await new Promise((r) => setTimeout(r, 20));
  const ms = Date.now() - t;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  return ms;
}

await benchList("on");
await benchList("off");
await benchColdStart();
