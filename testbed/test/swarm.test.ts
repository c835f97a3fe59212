import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SwarmTestbed, ensureSwarmTestbed, setSwarmWorkerRunning } from "../../packages/testing/src/testbed/index.js";

const exec = promisify(execFile);
let testbed: SwarmTestbed;
const prefix = `tbtest-${randomBytes(3).toString("hex")}`;
const services: string[] = [];

async function docker(args: string[]): Promise<string> {
  const env = { ...process.env, DOCKER_HOST: testbed.dockerHost, DOCKER_CLI_HINTS: "false" };
  return (await exec("docker", args, { env, maxBuffer: 16 << 20 })).stdout;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`condition not met in ${timeoutMs} ms`);
}

async function createService(name: string, args: string[]): Promise<void> {
  services.push(name);
  const placement = testbed.workers > 0 ? ["--constraint", "node.labels.meridian.testbed.node==manager"] : [];
  await docker(["service", "create", "--detach", "--no-resolve-image", "--name", name, ...placement, ...args]);
}

beforeAll(async () => {
  testbed = await ensureSwarmTestbed();
});

afterAll(async () => {
  if (testbed && services.length > 0) await docker(["service", "rm", ...services]).catch(() => undefined);
});

describe("swarm testbed", () => {
  it("runs the registry's test app and answers with its version over a mode=host port, then rolls to v2", async () => {
    const name = `${prefix}-web`;
    await createService(name, ["--publish", "mode=host,target=8080,published=18090", testbed.images.testapp.v1 ?? ""]);
    const body = await eventually(async () => {
      const text = await (await fetch("http://127.0.0.1:18090/")).text();
      return text.includes("v1") ? text : undefined;
    });
    expect(body).toMatch(/^meridian testapp v1 host=/);
    await docker(["service", "update", "--detach", "--no-resolve-image", "--image", testbed.images.testapp.v2 ?? "", name]);
    const json = await eventually(async () => {
      const v = (await (await fetch("http://127.0.0.1:18090/version.json")).json()) as { version: string };
      return v.version === "v2" ? v : undefined;
    });
    expect(json.version).toBe("v2");
  });

  it("marks a task unhealthy when the test app's health check is made to fail", async () => {
    const name = `${prefix}-sick`;
    await createService(name, ["--env", "FAIL_HEALTH=1", testbed.images.testapp.v1 ?? ""]);
    const error = await eventually(async () => {
      const out = await docker(["service", "ps", "--no-trunc", "--format", "{{.Error}}", name]);
      return out.includes("unhealthy") ? out : undefined;
    });
    expect(error).toMatch(/unhealthy container/);
  });

  it("runs Caddy as the apps' router: admin API with Meridian's server on a plain-HTTP and a TLS listener", async (ctx) => {
    if (testbed.external) ctx.skip("the router of an external testbed is not ours to inspect");
    const server = (await (await fetch(`${testbed.router.adminUrl}/config/apps/http/servers/meridian`)).json()) as { listen?: string[]; automatic_https?: { disable?: boolean } } | null;
    expect(server?.listen).toEqual([new URL(testbed.router.httpUrl).host, new URL(testbed.router.httpsUrl).host]);
    expect(server?.automatic_https?.disable).toBe(true);
    // A host no route matches: Caddy answers (empty 200), so the listener is up.
    const res = await fetch(`${testbed.router.httpUrl}/`);
    expect(res.headers.get("server")).toBe("Caddy");
  });

  it("drains a worker and loses a node for real (multi-node: swarm up --workers 2)", async (ctx) => {
    if (testbed.workers < 2 || testbed.external) ctx.skip("needs the local testbed with at least 2 workers");
    const nodeId = async (label: string) =>
      (await docker(["node", "ls", "--filter", `node.label=meridian.testbed.node=${label}`, "--format", "{{.ID}}"])).trim();
    const [w1, w2] = [await nodeId("w1"), await nodeId("w2")];
    const name = `${prefix}-spread`;
    services.push(name);
    await docker(["service", "create", "--detach", "--no-resolve-image", "--name", name, "--replicas", "2",
      "--constraint", "node.role==worker", "--placement-pref", "spread=node.id", testbed.images.testapp.v1 ?? ""]);
    const runningOn = async () =>
      (await docker(["service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}", name]))
        .split("\n").filter((l) => l.includes("Running")).length;
    await eventually(async () => ((await runningOn()) === 2 ? true : undefined));
    await docker(["node", "update", "--availability", "drain", w1]);
    const tasksOnW1 = async () =>
      (await docker(["node", "ps", "--filter", "desired-state=running", "--format", "{{.Name}}", w1])).trim();
    await eventually(async () => ((await tasksOnW1()) === "" && (await runningOn()) === 2 ? true : undefined));
    await docker(["node", "update", "--availability", "active", w1]);
    await setSwarmWorkerRunning(2, false);
    await eventually(async () => ((await docker(["node", "inspect", "--format", "{{.Status.State}}", w2])).trim() === "down" ? true : undefined), 90_000);
    await setSwarmWorkerRunning(2, true);
    await eventually(async () => ((await docker(["node", "inspect", "--format", "{{.Status.State}}", w2])).trim() === "ready" ? true : undefined), 90_000);
  });
});
