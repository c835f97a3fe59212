import type { ClusterConnection, InventoryHandle } from "@meridian/core";
import { ensureSwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSwarmConnection } from "../src/index.js";
import { createRecordingSink, createTestName, removeDockerObjects, runDocker, waitFor } from "./helpers.js";

const stack = createTestName("inv");
const names = {
  service: `${stack}-web`,
  network: `${stack}-net`,
  config: `${stack}-cfg`,
  secret: `${stack}-sec`,
  volume: `${stack}-vol`,
};
const configData = `config-data-${stack}`;
const secretData = `secret-data-${stack}`;

describe("swarm driver: inventory", () => {
  let dockerHost: string;
  let conn: ClusterConnection;
  let handle: InventoryHandle | undefined;
  const recording = createRecordingSink();

  beforeAll(async () => {
    const testbed = await ensureSwarmTestbed();
    dockerHost = testbed.dockerHost;
    const label = ["--label", `com.docker.stack.namespace=${stack}`];
    await runDocker(dockerHost, ["network", "create", "--driver", "overlay", ...label, names.network]);
    await runDocker(dockerHost, ["config", "create", ...label, names.config, "-"], configData);
    await runDocker(dockerHost, ["secret", "create", ...label, names.secret, "-"], secretData);
    await runDocker(dockerHost, ["volume", "create", ...label, names.volume]);
    await runDocker(dockerHost, [
      "service", "create", "--detach", "--name", names.service, "--constraint", "node.role==manager", ...label, "--replicas", "1",
      "--reserve-cpu", "0.1", "--reserve-memory", "16m",
      "--config", `source=${names.config},target=/etc/app.conf`, "--secret", names.secret,
      testbed.images.busybox, "sh", "-c", "while true; do sleep 1; done",
    ]);
    conn = createSwarmConnection({ host: dockerHost });
  });

  afterAll(async () => {
    await handle?.stop();
    await conn?.close();
    await removeDockerObjects(dockerHost, [
      { kind: "service", name: names.service },
      { kind: "config", name: names.config },
      { kind: "secret", name: names.secret },
      { kind: "network", name: names.network },
    ]);
    // The volume stays busy until the service's containers are gone.
    await waitFor("volume removal", async () => (await runDocker(dockerHost, ["volume", "rm", names.volume]).then(() => true, () => false)) || undefined, 30_000).catch(() => undefined);
  });

  it("lists every Swarm kind with slim projections and no config or secret data", async () => {
    handle = conn.startInventory(recording.sink);
    const key = (kind: string, name: string, namespace: string | null = stack) => `${kind}//${namespace ?? ""}/${name}`;
    await waitFor("every kind listed", () =>
      recording.items.has(key("SwarmService", names.service)) &&
      recording.items.has(key("SwarmNetwork", names.network)) &&
      recording.items.has(key("SwarmConfig", names.config)) &&
      recording.items.has(key("SwarmSecret", names.secret)) &&
      recording.items.has(key("SwarmVolume", names.volume, null)) &&
      recording.ofKind("SwarmNode").length > 0,
    );
    const service = recording.items.get(key("SwarmService", names.service));
    expect(service).toMatchObject({ kind: "SwarmService", group: "", namespace: stack, name: names.service, labels: { "com.docker.stack.namespace": stack } });
    expect(service?.summary).toMatchObject({ mode: "replicated", desired: 1 });
    expect(recording.items.get(key("SwarmNetwork", names.network))?.summary).toMatchObject({ driver: "overlay", scope: "swarm" });
    expect(recording.items.get(key("SwarmSecret", names.secret))?.summary).toMatchObject({ driver: "internal" });
    expect(recording.items.get(key("SwarmVolume", names.volume, null))?.summary).toMatchObject({ driver: "local", stack });

    // With workers (swarm up --workers N) the list order is the engine's: pick the manager, not the first node.
    const node = recording.ofKind("SwarmNode").find((n) => n.summary.role === "manager");
    expect(node?.summary).toMatchObject({ role: "manager", ready: true });
    expect(node?.summary.cpu).toBeGreaterThan(0);
    expect(node?.summary.memory).toBeGreaterThan(0);

    const task = await waitFor("a running task of the service", () =>
      recording.ofKind("SwarmTask").find((t) => t.owner?.name === names.service && t.summary.state === "running"),
    );
    expect(task).toMatchObject({ namespace: stack, owner: { kind: "SwarmService", name: names.service }, health: "ok" });
    expect(task.name).toMatch(new RegExp(`^${names.service}\\.1\\.[a-z0-9]{12}$`));
    expect(task.summary).toMatchObject({ service: names.service, slot: 1, node: node?.name, cpuRequest: 100, memoryRequest: 16 * 1024 * 1024 });

    const everything = JSON.stringify([...recording.items.values()]);
    expect(everything).not.toContain(configData);
    expect(everything).not.toContain(Buffer.from(configData).toString("base64"));
    expect(everything).not.toContain(secretData);
    expect(recording.states.filter((s) => s.phase === "watching").map((s) => s.kind).sort()).toEqual(
      ["SwarmConfig", "SwarmNetwork", "SwarmNode", "SwarmSecret", "SwarmService", "SwarmTask", "SwarmVolume"],
    );
    expect(handle.stats()).toMatchObject({ lists: 7, watches: 1 });
  });

  it("getObject returns a config without its data and finds a task by its inventory name", async () => {
    const config = await conn.getObject({ kind: "SwarmConfig", namespace: stack, name: names.config });
    expect(config.object).toMatchObject({ Spec: { Name: names.config } });
    expect(JSON.stringify(config)).not.toContain(Buffer.from(configData).toString("base64"));
    const secret = await conn.getObject({ kind: "SwarmSecret", name: names.secret });
    expect(JSON.stringify(secret)).not.toContain(secretData);
    const task = recording.ofKind("SwarmTask").find((t) => t.owner?.name === names.service);
    if (!task) throw new Error("no task");
    const found = await conn.getObject({ kind: "SwarmTask", namespace: stack, name: task.name });
    expect(found.object.ID).toBe(task.uid);
    await expect(conn.getObject({ kind: "SwarmService", namespace: "another-stack", name: names.service })).rejects.toMatchObject({ code: "not_found" });
    await expect(conn.getObject({ kind: "SwarmService", name: `${stack}-missing` })).rejects.toMatchObject({ code: "not_found" });
  });

  it("follows changes: a scale through the driver shows up as task upserts, a removal as a remove", async () => {
    const before = handle?.stats().events ?? 0;
    await conn.scale({ kind: "SwarmService", namespace: stack, name: names.service }, 3);
    await waitFor("three running tasks in the sink", () => recording.ofKind("SwarmTask").filter((t) => t.owner?.name === names.service && t.summary.state === "running").length === 3);
    await waitFor("service at 3/3", () => recording.items.get(`SwarmService//${stack}/${names.service}`)?.summary.replicas === "3/3");
    expect(recording.calls.upsert.filter((k) => k.startsWith(`SwarmTask//${stack}/${names.service}.`)).length).toBeGreaterThanOrEqual(2);
    expect(handle?.stats().events).toBeGreaterThan(before);
    expect(handle?.stats().relists).toBeGreaterThan(0);

    const extra = `${stack}-extra`;
    await runDocker(dockerHost, ["config", "create", extra, "-"], "x");
    await waitFor("the new config upserted", () => recording.items.has(`SwarmConfig///${extra}`));
    await runDocker(dockerHost, ["config", "rm", extra]);
    await waitFor("the config removed", () => recording.calls.remove.includes(`SwarmConfig///${extra}`));
    expect(recording.items.has(`SwarmConfig///${extra}`)).toBe(false);
  });

  it("stop() ends the stream and leaves nothing running", async () => {
    await handle?.stop();
    const count = recording.calls.upsert.length;
    await runDocker(dockerHost, ["service", "scale", "--detach", `${names.service}=1`]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(recording.calls.upsert.length).toBe(count);
    handle = undefined;
  });
});
