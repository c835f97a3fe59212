import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cluster, InventoryItemView } from "@meridian/core";
import { startTestServer, type TestServer } from "@meridian/testing";
import { ensureSwarmTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./kube.js";
import { type CliRunner, createCliRunner, spawnCli } from "./run-cli.js";

// A service of its own on the shared Swarm testbed, printing a numbered line every second.
const service = `cli-logs-${Date.now().toString(36)}`;
let server: TestServer;
let swarm: SwarmTestbed;
let dir: string;
let configPath: string;
let cli: CliRunner;

function docker(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("docker", ["-H", swarm.dockerHost, ...args], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`docker ${args.join(" ")}: ${stderr}`)) : resolve(String(stdout))));
  });
}

beforeAll(async () => {
  [server, swarm] = await Promise.all([startTestServer(), ensureSwarmTestbed()]);
  await docker("service", "create", "--detach", "--name", service, "--constraint", "node.role==manager", swarm.images.busybox, "sh", "-c", 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 1; done');
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-swarm-"));
  configPath = join(dir, "config.json");
  cli = createCliRunner(configPath);
  const login = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password-stdin"], { input: server.adminPassword });
  if (login.code !== 0) throw new Error(login.stderr);
});

afterAll(async () => {
  if (swarm) await docker("service", "rm", service).catch(() => undefined);
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a Docker Swarm", () => {
  it("is added by its Docker host", async () => {
    const r = await cli(["clusters", "add", "swarm", "--docker-host", swarm.dockerHost]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Cluster swarm added: swarm \S+ at unix:\/\/\/\S+docker\.sock, auth \S+\.$/m);
    expect((await cli.json<Cluster>(["clusters", "get", "swarm"])).state).toBe("ready");
  });

  it("lists the service from the inventory", async () => {
    const services = await eventually(async () => {
      const items = await cli.json<InventoryItemView[]>(["get", "swarmservices"]);
      expect(items.map((s) => s.name)).toContain(service);
      return items;
    });
    expect(services.find((s) => s.name === service)?.summary.image).toMatch(/busybox/);
    const table = await cli(["get", "swarmservices"]);
    expect(table.stdout).toMatch(new RegExp(`\\n${service}\\s+\\S+\\s+replicated\\s+\\d+/1\\s+\\S*busybox`));
  });

  it("prints a service's logs, each line prefixed with its task", async () => {
    const r = await eventually(async () => {
      const out = await cli(["logs", service, "--tail", "3"]);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/tick \d+\n/);
      return out;
    });
    // a service merges its tasks, so each line names its task
    expect(r.stdout).toMatch(new RegExp(`^\\[${service}\\.1\\S*\\] tick \\d+$`, "m"));
    expect(r.stdout.trim().split("\n").length).toBeLessThanOrEqual(3);
    const grep = await cli(["logs", `swarmservice/${service}`, "--grep", "TICK 2"]);
    expect(grep.stdout).toMatch(/tick 2\d*\n/);
    expect(grep.stdout).not.toMatch(/tick 1\n/);
  });

  it("follows the logs until Ctrl+C", async () => {
    const follow = spawnCli(configPath, ["logs", `swarmservice/${service}`, "-f", "--tail", "1"]);
    const first = await follow.waitForOutput(/tick (\d+)\n/);
    const n = Number(/tick (\d+)\n/.exec(first)?.[1]);
    await follow.waitForOutput(new RegExp(`tick ${n + 1}\\n`));
    const r = await follow.interrupt("SIGINT");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("refuses logs of a kind that has none", async () => {
    const r = await cli(["logs", "swarmnetworks/ingress"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: swarmnetworks have no logs; try a pod, a workload or a Swarm service/task\n");
  });
});
