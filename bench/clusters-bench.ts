/**
 * Clusters benchmarks (issue 4), on the Kubernetes testbed at whatever scale it runs (grow it first with
 * `npm run testbed -- k8s scale --nodes 1000 --pods 30000`, or pass `--scale NODES PODS`):
 *  - time from adding the cluster to a complete inventory, and Meridian's resident memory;
 *  - p50/p99 of filtered, paginated pod queries, beside `kubectl get pods -A` and `-A -l` in the same run;
 *  - p50/p99 from a pod change in the cluster to the SSE event reaching a client;
 *  - 10 clusters connected at once: time to all complete, and the worst /healthz latency meanwhile (stalls).
 *  - an API server outage: time until the cluster shows as down, and from restart until ready and watching.
 * Prints figures; asserts nothing. Run: npm run bench -- clusters [--scale 1000 30000] [--only single,multi,outage]
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { createKubeHttp, resolveKubeconfig } from "@meridian/driver-kubernetes";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, runTestbedCli, startK8sApiserver, stopK8sApiserver } from "@meridian/testing/testbed";

const run = promisify(execFile);
const args = process.argv.slice(3);
const scaleAt = args.indexOf("--scale");
const tb = await ensureK8sTestbed();
const kubeconfig = readFileSync(tb.kubeconfigPath, "utf8");
const org = { orgId: "default" };

if (scaleAt >= 0) {
  const nodes = args[scaleAt + 1] ?? "1000";
  const pods = args[scaleAt + 2] ?? "30000";
  console.log(`scaling the testbed to ${nodes} nodes / ${pods} pods (slow: the scheduler places ~30 pods/s here)`);
  await runTestbedCli(["k8s", "scale", "--nodes", nodes, "--pods", pods]);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

async function waitComplete(s: Session, slug: string, expectPods: number, timeoutMs = 1_800_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const c = await s.client.call("getCluster", { params: { ...org, clusterId: slug } });
    const watching = c.inventory.length >= 23 && c.inventory.every((i) => i.phase === "watching" || (i.phase === "error" && /forbidden/i.test(i.message ?? "")));
    const pods = c.inventory.find((i) => i.kind === "Pod")?.count ?? 0;
    if (c.state !== "connecting" && watching && pods >= expectPods) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`inventory of ${slug} not complete after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kubectlTimes(extra: string[], n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const [, ms] = await timed(() => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "get", "pods", "-A", "--no-headers", ...extra], { maxBuffer: 1 << 30 }));
    out.push(ms);
  }
  return out;
}

async function benchSingle(server: TestServer, admin: Session) {
  const podCount = Number((await run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "get", "pods", "-A", "--no-headers"], { maxBuffer: 1 << 30 })).stdout.trim().split("\n").filter(Boolean).length);
  const nodeCount = Number((await run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "get", "nodes", "--no-headers"], { maxBuffer: 1 << 28 })).stdout.trim().split("\n").length);
  console.log(`\n== one cluster: ${nodeCount} nodes, ${podCount} pods`);
  const rssBefore = rssMiB(server.pid);
  const [, addMs] = await timed(() => admin.client.call("createCluster", { params: org, body: { slug: "big", connection: { kind: "kubernetes", kubeconfig } } }));
  const completeMs = await waitComplete(admin, "big", podCount);
  await new Promise((r) => setTimeout(r, 2000));
  const rssAfter = rssMiB(server.pid);
  console.log(`clusters add (verify + store): ${fmt(addMs)}; add -> complete inventory: ${fmt(addMs + completeMs)}`);
  console.log(`Meridian RSS: ${rssBefore.toFixed(0)} MiB before, ${rssAfter.toFixed(0)} MiB with the inventory (+${(rssAfter - rssBefore).toFixed(0)} MiB)`);

  const queries: [string, Record<string, string | number>][] = [
    ["pods, first page of 100 by name", { kind: "Pod", sort: "name", limit: 100 }],
    ["pods -l app=scale-7 (selector)", { kind: "Pod", selector: "app=scale-7", limit: 100 }],
    ["pods in ns, Running, text 'scale-1', page 3", { kind: "Pod", namespace: "scale", status: "Running", q: "scale-1", limit: 50 }],
    ["problem pods (health=error,warning)", { kind: "Pod", health: "error,warning", limit: 100 }],
  ];
  for (const [label, q] of queries) {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      let cursor: string | undefined;
      const pages = label.includes("page 3") ? 3 : 1;
      const t = performance.now();
      for (let p = 0; p < pages; p++) {
        const r = await fetch(`${server.baseUrl}/api/v1/orgs/default/inventory?${new URLSearchParams({ ...Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)])), ...(cursor ? { cursor } : {}) })}`, { headers: { cookie: admin.cookie } });
        const body = (await r.json()) as { nextCursor: string | null };
        cursor = body.nextCursor ?? undefined;
        if (!cursor) break;
      }
      times.push((performance.now() - t) / pages);
    }
    console.log(`query ${label}: p50 ${fmt(pct(times, 50))}, p99 ${fmt(pct(times, 99))} (per page)`);
  }
  const all = await kubectlTimes([], 5);
  const sel = await kubectlTimes(["-l", "app=scale-7"], 5);
  console.log(`kubectl get pods -A: median ${fmt(pct(all, 50))}, max ${fmt(Math.max(...all))}`);
  console.log(`kubectl get pods -A -l app=scale-7: median ${fmt(pct(sel, 50))}, max ${fmt(Math.max(...sel))}`);

  // SSE: label a pod through the API server and time until the event arrives.
  const pod = (await admin.client.call("queryInventory", { params: org, query: { kind: "Pod", namespace: "scale", limit: 1 } })).items[0] ?? (await admin.client.call("queryInventory", { params: org, query: { kind: "Pod", limit: 1 } })).items[0];
  if (!pod) throw new Error("no pod to change");
  const http = createKubeHttp(resolveKubeconfig(kubeconfig).target);
  const res = await fetch(`${server.baseUrl}/api/v1/orgs/default/inventory/stream?kind=Pod&namespace=${pod.namespace}`, { headers: { cookie: admin.cookie } });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  const waiting = new Map<string, (t: number) => void>();
  let buf = "";
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i = buf.indexOf("\n\n");
      while (i >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m = /"bench-seq":"(\d+)"/.exec(block);
        if (m && block.startsWith("event: upsert")) waiting.get(m[1] as string)?.(performance.now());
        i = buf.indexOf("\n\n");
      }
    }
  })();
  const lat: number[] = [];
  for (let i = 0; i < 100; i++) {
    const got = new Promise<number>((r) => waiting.set(String(i), r));
    const t0 = performance.now();
    await http.request("PATCH", `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`, { body: { metadata: { labels: { "bench-seq": String(i) } } }, contentType: "application/merge-patch+json" });
    lat.push((await got) - t0);
  }
  await reader.cancel();
  http.close();
  console.log(`pod change -> SSE event at the client: p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))} (100 label patches)`);
  await admin.client.call("deleteCluster", { params: { ...org, clusterId: "big" } });
}

async function benchMulti(server: TestServer, admin: Session) {
  console.log("\n== 10 clusters at once (the same testbed API server connected ten times)");
  let worst = 0;
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const [, ms] = await timed(() => fetch(`${server.baseUrl}/healthz`).then((r) => r.text()));
      worst = Math.max(worst, ms);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const countPods = async () => (await run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "get", "pods", "-A", "--no-headers"], { maxBuffer: 1 << 30 })).stdout.trim().split("\n").filter(Boolean).length;
  if ((await countPods()) < 50) {
    // Something to query: 100 pods of a Deployment (KWOK marks them Running).
    await run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "create", "deployment", "bench-multi", "--image=registry.local/bench:1", "--replicas=100"]).catch(() => undefined);
    for (let i = 0; i < 300 && (await countPods()) < 100; i++) await new Promise((r) => setTimeout(r, 500));
  }
  const podCount = await countPods();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 10 }, (_, i) => admin.client.call("createCluster", { params: org, body: { slug: `c${i}`, connection: { kind: "kubernetes", kubeconfig } } })));
  await Promise.all(Array.from({ length: 10 }, (_, i) => waitComplete(admin, `c${i}`, podCount)));
  const allMs = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const [, ms] = await timed(() => admin.client.call("queryInventory", { params: org, query: { kind: "Pod", sort: "name", limit: 100 } }));
    times.push(ms);
  }
  probing = false;
  await prober;
  console.log(`10 clusters added -> all inventories complete: ${fmt(allMs)}; worst /healthz latency meanwhile: ${fmt(worst)}; RSS ${rssMiB(server.pid).toFixed(0)} MiB`);
  console.log(`pods query across 10 clusters (${podCount * 10} pods): p50 ${fmt(pct(times, 50))}, p99 ${fmt(pct(times, 99))}`);
  for (let i = 0; i < 10; i++) await admin.client.call("deleteCluster", { params: { ...org, clusterId: `c${i}` } });
}

async function benchOutage(admin: Session) {
  console.log("\n== API server outage");
  await admin.client.call("createCluster", { params: org, body: { slug: "outage", connection: { kind: "kubernetes", kubeconfig } } });
  await waitComplete(admin, "outage", 0);
  const state = async () => admin.client.call("getCluster", { params: { ...org, clusterId: "outage" } });
  const until = async (ok: (c: Awaited<ReturnType<typeof state>>) => boolean) => {
    const t = performance.now();
    for (;;) {
      const c = await state();
      if (ok(c)) return [performance.now() - t, c] as const;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Watch, side by side, when the API server stops answering and when Meridian shows the cluster down.
  const http = createKubeHttp(resolveKubeconfig(kubeconfig).target);
  const t0 = performance.now();
  let silentAt = 0;
  let downAt = 0;
  const watchApi = (async () => {
    while (!silentAt) {
      const ok = await http.requestRaw("GET", "/readyz", { timeoutMs: 500 }).then((r) => r.status === 200, () => false);
      if (!ok) silentAt = performance.now() - t0;
      else await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const watchState = (async () => {
    while (!downAt) {
      if ((await state()).state === "down") downAt = performance.now() - t0;
      else await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await stopK8sApiserver(tb);
  const stopMs = performance.now() - t0;
  await Promise.all([watchApi, watchState]);
  http.close();
  const downMs = downAt - silentAt;
  const t = performance.now();
  await startK8sApiserver(tb);
  const startMs = performance.now() - t;
  const [readyMs, c] = await until((x) => x.state === "ready" && x.inventory.every((i) => i.phase === "watching"));
  console.log(`API server stopped answering ${fmt(silentAt)} after the stop began (the stop command took ${fmt(stopMs)}); Meridian showed the cluster down ${fmt(downMs)} after that`);
  console.log(`API server start returned after ${fmt(startMs)}; then -> ready with every watch running: ${fmt(readyMs)}`);
  console.log(`streams since connecting: ${JSON.stringify(c.streams)} (relists = kinds whose resourceVersion was too old for the restarted API server's watch cache)`);
  await admin.client.call("deleteCluster", { params: { ...org, clusterId: "outage" } });
}

const onlyAt = args.indexOf("--only");
const phases = new Set((onlyAt >= 0 ? (args[onlyAt + 1] ?? "") : "single,multi,outage").split(","));
const server = await startTestServer({ env: { MERIDIAN_LOG_LEVEL: "error" } });
try {
  const admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  if (phases.has("single")) await benchSingle(server, admin);
  if (phases.has("multi")) await benchMulti(server, admin);
  if (phases.has("outage") && !tb.external) await benchOutage(admin);
} finally {
  await server.stop();
}
