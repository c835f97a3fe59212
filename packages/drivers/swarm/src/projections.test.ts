import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DockerConfig, DockerNetwork, DockerNode, DockerSecret, DockerService, DockerTask, DockerVolume } from "./docker-types.js";
import {
  countRecentFailures,
  getNodeNames,
  getTaskHealth,
  makeKeysUnique,
  normalizeTime,
  projectConfig,
  projectNetwork,
  projectNode,
  projectSecret,
  projectService,
  projectTask,
  projectVolume,
} from "./projections.js";

type Recorded = {
  nodes: DockerNode[];
  services: DockerService[];
  tasks: DockerTask[];
  network: DockerNetwork;
  config: DockerConfig;
  secret: DockerSecret;
  volume: DockerVolume;
};
const recorded = JSON.parse(readFileSync(new URL("./testdata/recorded-swarm.json", import.meta.url), "utf8")) as Recorded;
const now = Date.parse("2026-11-23T22:10:00Z");

function findService(name: string): DockerService {
  const service = recorded.services.find((s) => s.Spec?.Name === name);
  if (!service) throw new Error(`no recorded service ${name}`);
  return service;
}

function createContext() {
  const nodeNames = getNodeNames(recorded.nodes);
  const services = new Map(recorded.services.map((s) => [s.ID, { name: s.Spec?.Name ?? s.ID, namespace: s.Spec?.Labels?.["com.docker.stack.namespace"] ?? null }]));
  return { nodeNames, services, localNodeName: "vm", now };
}

describe("swarm projections from recorded engine answers", () => {
  it("projects a manager node with capacity in millicores and bytes", () => {
    const node = recorded.nodes[0] as DockerNode;
    const item = projectNode(node, "vm");
    expect(item).toMatchObject({ key: "SwarmNode///vm", kind: "SwarmNode", group: "", namespace: null, uid: node.ID, status: "Ready", health: "ok" });
    expect(item.summary).toMatchObject({ role: "manager", availability: "active", cpu: 2000, ready: true, addr: "127.0.0.1" });
    expect(item.summary.memory).toBe(node.Description?.Resources?.MemoryBytes);
  });

  it.each([
    ["ready", "active", "ok", "Ready"],
    ["ready", "pause", "warning", "Ready (pause)"],
    ["ready", "drain", "warning", "Ready (drain)"],
    ["down", "active", "error", "Down"],
    ["disconnected", "active", "error", "Disconnected"],
    ["unknown", "active", "unknown", "Unknown"],
  ])("node %s/%s is %s", (state, availability, health, status) => {
    const base = recorded.nodes[0] as DockerNode;
    const item = projectNode({ ...base, Status: { ...base.Status, State: state }, Spec: { ...base.Spec, Availability: availability } }, "vm");
    expect(item.health).toBe(health);
    expect(item.status).toBe(status);
    expect(item.summary.ready).toBe(state === "ready");
  });

  it("names nodes by hostname and disambiguates shared hostnames", () => {
    const node = recorded.nodes[0] as DockerNode;
    expect(getNodeNames([node]).get(node.ID)).toBe("vm");
    const twin = { ...node, ID: "abcdefghijklmnopqrstuvwxy" };
    const names = getNodeNames([node, twin]);
    expect(names.get(twin.ID)).toBe("vm.abcdefghijkl");
    expect(names.get(node.ID)).toBe(`vm.${node.ID.slice(0, 12)}`);
  });

  it("projects a replicated service in its stack with replicas and image without digest", () => {
    const item = projectService(findService("mrdn-rec-web"), now);
    expect(item).toMatchObject({ key: "SwarmService//shop/mrdn-rec-web", namespace: "shop", status: "2/2", health: "ok" });
    expect(item.summary).toMatchObject({ mode: "replicated", replicas: "2/2", desired: 2, running: 2, image: "127.0.0.1:5000/meridian/busybox:1.35", updateState: null });
  });

  it("marks a crash-looping global service (0/0 between restarts) as failing from its recent task failures", () => {
    const bad = findService("mrdn-rec-bad");
    const failures = countRecentFailures(recorded.tasks, now);
    expect(failures.get(bad.ID)).toBe(2);
    const item = projectService(bad, now, failures.get(bad.ID));
    expect(item.summary).toMatchObject({ mode: "global", replicas: "0/0", recentFailures: 2 });
    expect(item).toMatchObject({ health: "error", status: "Failing 0/0" });
    expect(countRecentFailures(recorded.tasks, now + 10 * 60_000).size).toBe(0);
    expect(projectService(bad, now).health).toBe("ok");
  });

  it("turns a replicated service without running tasks from progressing to error after two minutes", () => {
    const web = findService("mrdn-rec-web");
    const stuck = { ...web, ServiceStatus: { RunningTasks: 0, DesiredTasks: 2 } };
    const changedAt = Date.parse(web.UpdatedAt ?? "");
    expect(projectService(stuck, changedAt + 5_000).health).toBe("progressing");
    expect(projectService(stuck, changedAt + 180_000).health).toBe("error");
    expect(projectService({ ...web, ServiceStatus: { RunningTasks: 1, DesiredTasks: 2 } }, changedAt + 180_000).health).toBe("progressing");
    expect(projectService(web, now, 1).health).toBe("warning");
  });

  it.each([
    ["updating", "progressing", "Updating 2/2"],
    ["rollback_started", "warning", "Rolling back 2/2"],
    ["rollback_completed", "warning", "2/2"],
    ["paused", "warning", "Update paused 2/2"],
    ["completed", "ok", "2/2"],
  ])("service update state %s is %s", (state, health, status) => {
    const item = projectService({ ...findService("mrdn-rec-web"), UpdateStatus: { State: state } }, now);
    expect(item.health).toBe(health);
    expect(item.status).toBe(status);
    expect(item.summary.updateState).toBe(state);
  });

  it("formats published ports", () => {
    const service = { ...findService("mrdn-rec-web"), Endpoint: { Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "host" }] } };
    expect(projectService(service, now).summary.ports).toBe("8080:80/tcp (host)");
  });

  it("projects tasks owned by their service, with node, slot and reservations", () => {
    const ctx = createContext();
    const web = findService("mrdn-rec-web");
    const tasks = recorded.tasks.filter((t) => t.ServiceID === web.ID).map((t) => projectTask(t, ctx));
    expect(tasks).toHaveLength(2);
    for (const task of tasks) {
      expect(task.owner).toEqual({ kind: "SwarmService", name: "mrdn-rec-web" });
      expect(task.namespace).toBe("shop");
      expect(task.name).toMatch(/^mrdn-rec-web\.[12]\.[a-z0-9]{12}$/);
      expect(task.key).toBe(`SwarmTask//shop/${task.name}`);
      expect(task).toMatchObject({ status: "Running", health: "ok" });
      expect(task.summary).toMatchObject({ service: "mrdn-rec-web", node: "vm", desiredState: "running", cpuRequest: 250, memoryRequest: 64 * 1024 * 1024 });
    }
    expect(tasks.map((t) => t.summary.slot).sort()).toEqual([1, 2]);
  });

  it("names global tasks by node and counts no reservation for stopped tasks", () => {
    const ctx = createContext();
    const bad = findService("mrdn-rec-bad");
    const failed = recorded.tasks.find((t) => t.ServiceID === bad.ID && t.Status?.State === "failed") as DockerTask;
    const item = projectTask(failed, ctx);
    expect(item.name).toBe(`mrdn-rec-bad.${failed.NodeID}.${failed.ID.slice(0, 12)}`);
    expect(item).toMatchObject({ namespace: null, status: "Failed", health: "error" });
    expect(item.summary).toMatchObject({ slot: null, desiredState: "shutdown", error: "task: non-zero exit (1)", cpuRequest: 0, memoryRequest: 0 });
  });

  it.each([
    ["running", "ok"],
    ["complete", "ok"],
    ["pending", "progressing"],
    ["preparing", "progressing"],
    ["starting", "progressing"],
    ["failed", "error"],
    ["rejected", "error"],
    ["shutdown", "unknown"],
    ["orphaned", "unknown"],
  ])("task state %s is %s", (state, health) => {
    expect(getTaskHealth(state)).toBe(health);
  });

  it("projects network, config, secret and volume without any data", () => {
    const network = projectNetwork(recorded.network);
    expect(network).toMatchObject({ key: "SwarmNetwork//shop/mrdn-rec-net", namespace: "shop", health: "ok" });
    expect(network.summary).toMatchObject({ driver: "overlay", scope: "swarm" });
    expect(String(network.summary.subnet)).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    const config = projectConfig(recorded.config);
    expect(config).toMatchObject({ key: "SwarmConfig//shop/mrdn-rec-cfg", uid: recorded.config.ID });
    const secret = projectSecret(recorded.secret);
    expect(secret).toMatchObject({ key: "SwarmSecret//shop/mrdn-rec-sec", summary: { driver: "internal" } });
    const volume = projectVolume(recorded.volume, { nodeNames: new Map(), localNodeName: "vm" });
    expect(volume).toMatchObject({ key: "SwarmVolume///mrdn-rec-vol", namespace: null, summary: { driver: "local", node: "vm", stack: "shop" } });
    const text = JSON.stringify([network, config, secret, volume]);
    expect(recorded.config.Spec?.Data).toBe(Buffer.from("config-payload\n").toString("base64"));
    expect(text).not.toContain(recorded.config.Spec?.Data);
    expect(text).not.toContain("config-payload");
  });

  it("keeps keys unique when two objects share a name", () => {
    const a = projectNetwork(recorded.network);
    const b = projectNetwork({ ...recorded.network, Id: "zzzzzzzzzzzzzzzz" });
    const [first, second] = makeKeysUnique([a, b]);
    expect(first?.key).not.toBe(second?.key);
    expect(second?.name).toBe("mrdn-rec-net.zzzzzzzzzzzz");
  });

  it("normalizes Docker times", () => {
    expect(normalizeTime("0001-01-01T00:00:00Z")).toBeNull();
    expect(normalizeTime("2026-11-23T22:06:51.348940567Z")).toBe("2026-11-23T22:06:51.348Z");
    expect(normalizeTime(undefined)).toBeNull();
  });
});
