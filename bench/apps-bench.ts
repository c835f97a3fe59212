/**
 * Apps benchmarks (issue 5), side by side with the raw tools in the same run:
 *  - Kubernetes testbed, 10 replicas: `meridian deploy` (API) → release succeeded, vs `kubectl apply` + `kubectl rollout status`;
 *  - Swarm testbed, 3 replicas of the test app: deploy → release succeeded, vs `docker service create/update` (which waits
 *    for convergence);
 *  - canary step latency: a weight step's start (the gate decided) → the router reporting the new weights.
 * Prints figures; asserts nothing. Run: npm run bench -- apps [--rounds N] [--only k8s,swarm,canary]
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { loginAs, type Session, startTestServer } from "@meridian/testing";
import { ensureK8sTestbed, ensureSwarmTestbed } from "@meridian/testing/testbed";

const run = promisify(execFile);
const args = process.argv.slice(3);
const rounds = Number(args[args.indexOf("--rounds") + 1] ?? 0) || 4;
const only = args.includes("--only") ? (args[args.indexOf("--only") + 1] ?? "").split(",") : ["k8s", "swarm", "canary"];
const org = { orgId: "default" };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const [tb, sw] = await Promise.all([ensureK8sTestbed(), ensureSwarmTestbed()]);
const server = await startTestServer();
const admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
const kubectl = (...a: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...a]);
const docker = (...a: string[]) => run("docker", a, { env: { ...process.env, DOCKER_HOST: sw.dockerHost } });
const tag = Date.now().toString(36);

async function project(slug: string, cluster: string, namespace: string) {
  const p = await admin.client.call("createProject", { params: org, body: { slug, name: slug, environments: ["prod"] } });
  const env = (await admin.client.call("listEnvironments", { params: { ...org, projectId: p.id } })).items[0]?.id as string;
  await admin.client.call("createClusterTarget", { params: { ...org, clusterId: cluster }, body: { projectId: p.id, environmentId: env, namespace } });
  return { projectId: p.id, environmentId: env };
}

async function deployAndWait(s: Session, where: { projectId: string; environmentId: string }, app: string, image: string): Promise<{ ms: number; steps: { kind: string; startedAt?: string; finishedAt?: string }[] }> {
  const t0 = performance.now();
  const { release } = await s.client.call("deployApp", { params: { ...org, ...where, app }, body: { image } });
  const accepted = performance.now() - t0;
  for (;;) {
    const r = await s.client.call("getRelease", { params: { ...org, projectId: where.projectId, app, number: release?.number as number }, query: { environmentId: where.environmentId } });
    if (r.state === "succeeded") {
      if (process.env.BENCH_PHASES) {
        const at = (x: string | null | undefined) => (x ? new Date(x).getTime() : Number.NaN);
        console.log(`    phases: deploy call ${accepted.toFixed(0)} ms, created → started ${at(r.startedAt) - at(r.createdAt)} ms, started → finished ${at(r.finishedAt) - at(r.startedAt)} ms, total ${(performance.now() - t0).toFixed(0)} ms`);
      }
      return { ms: performance.now() - t0, steps: r.steps };
    }
    if (["failed", "rolled_back", "aborted"].includes(r.state)) throw new Error(`release ${r.number} ${r.state}: ${r.reason}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

if (only.includes("k8s")) {
  const ns = `bench-${tag}`;
  await kubectl("create", "namespace", ns);
  await admin.client.call("createCluster", { params: org, body: { slug: "kube", connection: { kind: "kubernetes", kubeconfig: readFileSync(tb.kubeconfigPath, "utf8") } } });
  for (;;) if ((await admin.client.call("getCluster", { params: { ...org, clusterId: "kube" } })).state === "ready") break;
  const where = await project(`k-${tag}`, "kube", ns);
  await admin.client.call("putApp", { params: { ...org, projectId: where.projectId, app: "web" }, body: { spec: { source: { image: sw.images.testapp.v1 as string }, ports: [{ name: "http", port: 8080 }], replicas: 10, resources: { requests: { cpu: "10m" } } } } });
  const images = [sw.images.testapp.v1, sw.images.testapp.v2] as string[];
  const ours: number[] = [];
  const raw: number[] = [];
  const manifest = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: raw, namespace: ${ns} }
spec:
  replicas: 10
  selector: { matchLabels: { app: raw } }
  strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  template:
    metadata: { labels: { app: raw } }
    spec: { containers: [{ name: app, image: "${image}", ports: [{ containerPort: 8080 }], resources: { requests: { cpu: 10m } } }] }
---
# The same app as kubectl users ship it: a Service in front (Meridian renders one per slot and one for the app).
apiVersion: v1
kind: Service
metadata: { name: raw, namespace: ${ns} }
spec: { selector: { app: raw }, ports: [{ port: 80, targetPort: 8080 }] }
`;
  for (let i = 0; i < rounds; i++) {
    const image = images[i % 2] as string;
    ours.push((await deployAndWait(admin, where, "web", image)).ms);
    const t0 = performance.now();
    const child = execFile(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, "apply", "-f", "-"]);
    child.stdin?.end(manifest(image));
    await new Promise((res, rej) => child.on("exit", (c) => (c === 0 ? res(null) : rej(new Error(`kubectl apply exited ${c}`)))));
    await kubectl("-n", ns, "rollout", "status", "deployment/raw", "--timeout=300s");
    raw.push(performance.now() - t0);
  }
  console.log(`Kubernetes, 10 replicas, ${rounds} rollouts each (first = create):`);
  console.log(`  meridian deploy → succeeded   median ${fmt(median(ours))}  [${ours.map(fmt).join(", ")}]`);
  console.log(`  kubectl apply + rollout status median ${fmt(median(raw))}  [${raw.map(fmt).join(", ")}]`);
  console.log(`  ratio ${(median(ours) / median(raw)).toFixed(2)}x`);
  await kubectl("delete", "namespace", ns, "--wait=false");
}

if (only.includes("swarm") || only.includes("canary")) {
  await admin.client.call("createCluster", { params: org, body: { slug: "swarm", connection: { kind: "swarm", host: sw.dockerHost, router: { caddyAdminUrl: sw.router.adminUrl } } } });
  for (;;) if ((await admin.client.call("getCluster", { params: { ...org, clusterId: "swarm" } })).state === "ready") break;
}

if (only.includes("swarm")) {
  const stack = `bs${tag}`;
  const where = await project(`s-${tag}`, "swarm", stack);
  const health = { readiness: { http: { path: "/healthz", port: "http" }, periodSeconds: 1, failureThreshold: 2 } };
  await admin.client.call("putApp", {
    params: { ...org, projectId: where.projectId, app: "web" },
    body: { spec: { source: { image: sw.images.testapp.v1 as string }, ports: [{ name: "http", port: 8080 }], replicas: 3, health, placement: { constraints: ["node.role==manager"] } } },
  });
  const images = [sw.images.testapp.v1, sw.images.testapp.v2] as string[];
  const ours: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const image = images[i % 2] as string;
    ours.push((await deployAndWait(admin, where, "web", image)).ms);
    const t0 = performance.now();
    if (i === 0) {
      await docker("service", "create", "--quiet", "--name", `raw-${tag}`, "--replicas", "3", "--constraint", "node.role==manager", "--publish", "mode=host,target=8080", "--health-cmd", "wget -q -O /dev/null http://127.0.0.1:8080/healthz", "--health-interval", "1s", "--health-retries", "2", "--update-order", "start-first", image);
    } else {
      await docker("service", "update", "--quiet", "--image", image, `raw-${tag}`);
    }
    raw.push(performance.now() - t0);
  }
  console.log(`Swarm, 3 replicas of the test app, ${rounds} rollouts each (first = create):`);
  console.log(`  meridian deploy → succeeded      median ${fmt(median(ours))}  [${ours.map(fmt).join(", ")}]`);
  console.log(`  docker service create/update     median ${fmt(median(raw))}  [${raw.map(fmt).join(", ")}]`);
  console.log(`  ratio ${(median(ours) / median(raw)).toFixed(2)}x`);
  await docker("service", "rm", `raw-${tag}`);
  await admin.client.call("deleteApp", { params: { ...org, projectId: where.projectId, app: "web" } });
}

if (only.includes("canary")) {
  const stack = `bc${tag}`;
  const where = await project(`c-${tag}`, "swarm", stack);
  const steps = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90].map((weight) => ({ weight }));
  await admin.client.call("putApp", {
    params: { ...org, projectId: where.projectId, app: "web" },
    body: {
      spec: {
        source: { image: sw.images.testapp.v1 as string },
        ports: [{ name: "http", port: 8080 }],
        replicas: 2,
        routes: [{ host: `${stack}.bench.test` }],
        placement: { constraints: ["node.role==manager"] },
        strategy: { type: "canary", steps },
      },
    },
  });
  await deployAndWait(admin, where, "web", sw.images.testapp.v1 as string);
  const { steps: done } = await deployAndWait(admin, where, "web", sw.images.testapp.v2 as string);
  const lat = done.filter((s) => s.kind === "weight" || s.kind === "promote").map((s) => new Date(s.finishedAt as string).getTime() - new Date(s.startedAt as string).getTime());
  console.log(`Canary step latency on Swarm/Caddy (gate decided → router reports the weight), ${lat.length} steps:`);
  console.log(`  median ${lat.length ? median(lat) : "-"} ms, max ${lat.length ? Math.max(...lat) : "-"} ms  [${lat.join(", ")}]`);
  await admin.client.call("deleteApp", { params: { ...org, projectId: where.projectId, app: "web" } });
}

await server.stop();
