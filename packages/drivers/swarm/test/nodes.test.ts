import type { ClusterConnection } from "@meridian/core";
import { ensureSwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSwarmConnection } from "../src/index.js";
import { createTestName, removeDockerObjects, runDocker, waitFor } from "./helpers.js";

/**
 * Node availability on the shared testbed. Pause and drain touch every suite's tasks on that node, so each
 * test restores "active" in a finally and keeps the window short.
 */
describe("swarm driver: nodes", () => {
  let dockerHost: string;
  let conn: ClusterConnection;
  let nodeName: string;
  let nodeId: string;
  const service = createTestName("drain");

  const availability = async () => runDocker(dockerHost, ["node", "inspect", nodeId, "--format", "{{.Spec.Availability}}"]);

  beforeAll(async () => {
    const testbed = await ensureSwarmTestbed();
    dockerHost = testbed.dockerHost;
    conn = createSwarmConnection({ host: dockerHost });
    nodeId = await runDocker(dockerHost, ["info", "--format", "{{.Swarm.NodeID}}"]);
    const object = (await conn.getObject({ kind: "SwarmNode", name: nodeId })).object as { Description: { Hostname: string } };
    // The driver's display name: the hostname, or hostname.<id12> when workers share it (`swarm up --workers N`).
    const hostnames = (await runDocker(dockerHost, ["node", "ls", "--format", "{{.Hostname}}"])).split("\n");
    const host = object.Description.Hostname;
    nodeName = hostnames.filter((h) => h === host).length > 1 ? `${host}.${nodeId.slice(0, 12)}` : host;
    // Both replicas on this (manager) node, so draining it has them to move.
    await runDocker(dockerHost, ["service", "create", "--detach", "--name", service, "--replicas", "2", "--constraint", "node.role==manager", testbed.images.busybox, "sleep", "600"]);
  });
  afterAll(async () => {
    if (nodeId) await runDocker(dockerHost, ["node", "update", "--availability", "active", nodeId]).catch(() => undefined);
    await conn?.close();
    await removeDockerObjects(dockerHost, [{ kind: "service", name: service }]);
  });

  it("pauses and re-activates a node by its name", async () => {
    try {
      await conn.setNodeSchedulable(nodeName, false);
      expect(await availability()).toBe("pause");
    } finally {
      await conn.setNodeSchedulable(nodeName, true);
    }
    expect(await availability()).toBe("active");
    await expect(conn.setNodeSchedulable("no-such-node", false)).rejects.toMatchObject({ code: "not_found" });
  });

  it("drains a node and counts the tasks that were running there", async () => {
    await waitFor("two running tasks", async () => {
      const out = await runDocker(dockerHost, ["service", "ps", service, "--filter", "desired-state=running", "--format", "{{.CurrentState}}"]);
      return out.split("\n").filter((l) => l.startsWith("Running")).length === 2 || undefined;
    });
    try {
      const result = await conn.drainNode(nodeName);
      expect(await availability()).toBe("drain");
      // At least our two; other suites may run tasks on this node too.
      expect(result.evicted).toBeGreaterThanOrEqual(2);
      expect(result.skipped).toEqual([]);
    } finally {
      await conn.setNodeSchedulable(nodeName, true);
    }
    expect(await availability()).toBe("active");
  });
});
