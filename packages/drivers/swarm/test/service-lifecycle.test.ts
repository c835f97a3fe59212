import type { ClusterConnection, LogLine } from "@meridian/core";
import { type SwarmTestbed, ensureSwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSwarmConnection } from "../src/index.js";
import { createTestName, getFreePort, removeDockerObjects, runDocker, waitFor } from "./helpers.js";

const stack = createTestName("life");
const name = `${stack}-app`;
const ref = { kind: "SwarmService", namespace: stack, name };

type Inspected = { Spec: { TaskTemplate: { ContainerSpec: { Image: string; Env?: string[] }; ForceUpdate?: number }; Mode: { Replicated?: { Replicas: number } } }; PreviousSpec?: unknown };

describe("swarm driver: service lifecycle", () => {
  let testbed: SwarmTestbed;
  let conn: ClusterConnection;
  let port: number;

  const inspect = async (): Promise<Inspected> => JSON.parse(await runDocker(testbed.dockerHost, ["service", "inspect", name]))[0] as Inspected;
  const runningTasks = async (): Promise<string[]> =>
    (await runDocker(testbed.dockerHost, ["service", "ps", name, "--filter", "desired-state=running", "--format", "{{.ID}} {{.CurrentState}}"]))
      .split("\n")
      .filter((l) => l.includes("Running"))
      .map((l) => l.split(" ")[0] ?? "");
  const fetchApp = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/`)).text();
  const spec = (version: string, extra = "") =>
    `kind: SwarmService\nname: ${name}\nimage: ${testbed.images.testapp[version]}\nreplicas: 1\nconstraints: ["node.role==manager"]\nenv: {GREETING: hello}\nports: [{published: ${port}, target: 8080}]\nupdateConfig: {monitor: 1s}\n${extra}`;

  beforeAll(async () => {
    testbed = await ensureSwarmTestbed();
    port = await getFreePort();
    conn = createSwarmConnection({ host: testbed.dockerHost });
  });
  afterAll(async () => {
    await conn?.close();
    await removeDockerObjects(testbed.dockerHost, [{ kind: "service", name }]);
  });

  it("creates a service from a Meridian spec (dry-run first changes nothing)", async () => {
    const [dry] = await conn.apply(spec("v1"), { dryRun: true, defaultNamespace: stack });
    expect(dry).toMatchObject({ kind: "SwarmService", namespace: stack, name, action: "created" });
    expect(dry?.diff).toContain(`+Name: ${name}`);
    expect(dry?.diff).toContain("PublishMode: host");
    await expect(runDocker(testbed.dockerHost, ["service", "inspect", name])).rejects.toThrow();

    const [created] = await conn.apply(spec("v1"), { dryRun: false, defaultNamespace: stack });
    expect(created?.action).toBe("created");
    const live = await inspect();
    expect(live.Spec.TaskTemplate.ContainerSpec.Image).toMatch(new RegExp(`^${testbed.images.testapp.v1}(@sha256:[0-9a-f]{64})?$`));
    expect(live.Spec.TaskTemplate.ContainerSpec.Env).toEqual(["GREETING=hello"]);
    await waitFor("v1 answering on the published port", async () => (await fetchApp()).startsWith("meridian testapp v1") || undefined);

    const [again] = await conn.apply(spec("v1"), { dryRun: false, defaultNamespace: stack });
    expect(again).toMatchObject({ action: "unchanged", diff: "" });
  });

  it("refuses unknown kinds, a missing image and taking over another stack's service", async () => {
    await expect(conn.apply("kind: Deployment\nname: x\n", { dryRun: true })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("unsupported kind") });
    await expect(conn.apply(`kind: SwarmService\nname: ${name}\n`, { dryRun: true })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("image is required") });
    await expect(conn.apply(spec("v1"), { dryRun: true, defaultNamespace: "another-stack" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("diffs an image update on dry-run, applies it, then rolls back", async () => {
    const [dry] = await conn.apply(spec("v2"), { dryRun: true, defaultNamespace: stack });
    expect(dry?.action).toBe("configured");
    expect(dry?.diff).toMatch(/-\s+Image: .*testapp:v1/);
    expect(dry?.diff).toMatch(/\+\s+Image: .*testapp:v2/);
    expect((await inspect()).Spec.TaskTemplate.ContainerSpec.Image).toContain("testapp:v1");

    const [updated] = await conn.apply(spec("v2"), { dryRun: false, defaultNamespace: stack });
    expect(updated?.action).toBe("configured");
    expect((await inspect()).Spec.TaskTemplate.ContainerSpec.Image).toContain("testapp:v2");
    await waitFor("v2 answering", async () => (await fetchApp()).startsWith("meridian testapp v2") || undefined, 90_000);

    await conn.rollback(ref);
    expect((await inspect()).Spec.TaskTemplate.ContainerSpec.Image).toContain("testapp:v1");
    await waitFor("v1 answering after the rollback", async () => (await fetchApp()).startsWith("meridian testapp v1") || undefined, 90_000);
  });

  it("scales and restarts with new tasks", async () => {
    await conn.scale(ref, 0);
    expect((await inspect()).Spec.Mode.Replicated?.Replicas).toBe(0);
    await waitFor("no running task", async () => (await runningTasks()).length === 0 || undefined);
    await conn.scale(ref, 1);
    const [first] = await waitFor("one running task", async () => {
      const tasks = await runningTasks();
      return tasks.length === 1 ? tasks : undefined;
    });
    await expect(conn.scale(ref, -1)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(conn.scale({ ...ref, kind: "SwarmNode" }, 1)).rejects.toMatchObject({ code: "invalid_input" });

    const forceBefore = (await inspect()).Spec.TaskTemplate.ForceUpdate ?? 0;
    await conn.restart(ref);
    expect((await inspect()).Spec.TaskTemplate.ForceUpdate).toBe(forceBefore + 1);
    await waitFor("a new running task after the restart", async () => {
      const tasks = await runningTasks();
      return (tasks.length === 1 && tasks[0] !== first) || undefined;
    }, 90_000);
  });

  it("streams the service's logs with task sources until the signal aborts", async () => {
    const controller = new AbortController();
    const lines: LogLine[] = [];
    const reading = (async () => {
      for await (const line of conn.streamLogs(ref, { follow: true, tailLines: 50 }, controller.signal)) {
        lines.push(line);
        if (lines.some((l) => l.line.includes("listening on :8080"))) controller.abort();
      }
    })();
    await waitFor("the start-up line", () => lines.some((l) => l.line.includes("meridian testapp") && l.line.includes("listening")), 30_000);
    controller.abort();
    await reading;
    const line = lines.find((l) => l.line.includes("listening"));
    expect(line?.source).toMatch(new RegExp(`^${name}\\.1\\.[a-z0-9]{12}$`));
    expect(line?.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // Without follow the stream ends by itself.
    const all: LogLine[] = [];
    for await (const l of conn.streamLogs(ref, { tailLines: 5 }, new AbortController().signal)) all.push(l);
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(5 * 4);

    // One task's logs, named by the task's inventory name.
    const taskId = (await runDocker(testbed.dockerHost, ["service", "ps", name, "--filter", "desired-state=running", "--no-trunc", "--format", "{{.ID}}"])).split("\n")[0] ?? "";
    const taskName = `${name}.1.${taskId.slice(0, 12)}`;
    const taskLines: LogLine[] = [];
    for await (const l of conn.streamLogs({ kind: "SwarmTask", namespace: stack, name: taskName }, {}, new AbortController().signal)) taskLines.push(l);
    expect(taskLines.some((l) => l.line.includes("listening"))).toBe(true);
    expect(new Set(taskLines.map((l) => l.source))).toEqual(new Set([taskName]));
    await expect(conn.streamLogs({ kind: "SwarmNetwork", name: "x" }, {}, new AbortController().signal)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("removes the service; a second removal is not_found", async () => {
    await conn.deleteObject(ref);
    await expect(runDocker(testbed.dockerHost, ["service", "inspect", name])).rejects.toThrow();
    await expect(conn.deleteObject(ref)).rejects.toMatchObject({ code: "not_found" });
    await expect(conn.rollback(ref)).rejects.toMatchObject({ code: "not_found" });
  });

  it("says clearly when there is nothing to roll back to, and that global services do not scale", async () => {
    const fresh = `${stack}-fresh`;
    const global = `${stack}-global`;
    try {
      await conn.apply(`kind: SwarmService\nname: ${fresh}\nimage: ${testbed.images.busybox}\nreplicas: 0\n`, { dryRun: false });
      await expect(conn.rollback({ kind: "SwarmService", name: fresh })).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("no previous spec") });
      await conn.apply(`kind: SwarmService\nname: ${global}\nimage: ${testbed.images.busybox}\nmode: global\ncommand: [sleep, "600"]\n`, { dryRun: false });
      await expect(conn.scale({ kind: "SwarmService", name: global }, 2)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("global") });
    } finally {
      await removeDockerObjects(testbed.dockerHost, [
        { kind: "service", name: fresh },
        { kind: "service", name: global },
      ]);
    }
  });
});
