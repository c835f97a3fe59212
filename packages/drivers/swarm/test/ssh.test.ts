import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import type { ClusterConnection } from "@meridian/core";
import { ensureSwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SwarmConnectionConfig, createSwarmConnection, describeSwarmEndpoint } from "../src/index.js";
import { createRecordingSink, waitFor } from "./helpers.js";
import { type TestSshd, ensureSshd, startTestSshd } from "./sshd.js";

const sshd = await ensureSshd();
if (!sshd.ok) console.warn(`swarm ssh tests skipped: ${sshd.reason}`);

const countKeyDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith("meridian-ssh-")).length;
/** ssh processes the driver started from this test process. */
const listSshChildren = (): number[] => {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "-x", "ssh"], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const countSshChildren = () => listSshChildren().length;

describe.skipIf(!sshd.ok)(`swarm driver over ssh:// (docker system dial-stdio)${sshd.ok ? "" : ` — skipped: ${sshd.reason}`}`, () => {
  let server: TestSshd;
  let config: SwarmConnectionConfig;
  const connections: ClusterConnection[] = [];
  const connect = (c: SwarmConnectionConfig) => {
    const conn = createSwarmConnection(c);
    connections.push(conn);
    return conn;
  };

  beforeAll(async () => {
    const { dockerHost } = await ensureSwarmTestbed();
    server = await startTestSshd(dockerHost);
    config = { host: server.host, sshPrivateKey: server.privateKey, sshKnownHosts: server.knownHosts };
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await server?.stop();
  });

  it("probes, lists and follows the engine through ssh, then leaves no process or key file behind", async () => {
    const dirsBefore = countKeyDirs();
    const conn = createSwarmConnection(config);
    expect(describeSwarmEndpoint(config)).toEqual({ endpoint: server.host, authMethod: "ssh" });
    const probe = await conn.probe();
    expect(probe.conditions.map((c) => [c.type, c.status])).toEqual([
      ["Reachable", "True"],
      ["Authenticated", "True"],
      ["Ready", "True"],
    ]);
    expect(countKeyDirs()).toBe(dirsBefore + 1);

    const recording = createRecordingSink();
    const handle = conn.startInventory(recording.sink);
    await waitFor("every kind watched over ssh", () => new Set(recording.states.filter((s) => s.phase === "watching").map((s) => s.kind)).size === 7);
    expect(recording.ofKind("SwarmNode").length).toBeGreaterThan(0);
    expect(countSshChildren()).toBeGreaterThan(0);

    // Cut every connection (the event stream among them): the kinds turn to error, then the driver reconnects and relists.
    const statesBefore = recording.states.length;
    const relistsBefore = handle.stats().relists;
    for (const pid of listSshChildren()) process.kill(pid, "SIGTERM");
    await waitFor("an error state naming the event stream", () => recording.states.slice(statesBefore).some((s) => s.phase === "error" && s.message?.includes("event stream")), 10_000);
    await waitFor("watching again", () => {
      const later = recording.states.slice(statesBefore);
      return new Set(later.filter((s) => s.phase === "watching").map((s) => s.kind)).size === 7;
    }, 20_000);
    expect(handle.stats().watches).toBeGreaterThanOrEqual(2);
    expect(handle.stats().relists).toBeGreaterThanOrEqual(relistsBefore + 7);
    await handle.stop();
    await conn.close();
    await waitFor("ssh processes gone", () => countSshChildren() === 0, 10_000);
    expect(countKeyDirs()).toBe(dirsBefore);
  });

  it("refuses a host whose key is not in known_hosts", async () => {
    const conn = connect({ ...config, sshKnownHosts: server.otherKnownHosts });
    const probe = await conn.probe();
    expect(probe.conditions[0]).toMatchObject({ type: "Reachable", status: "False", reason: "HostKeyVerificationFailed" });
    expect(probe.conditions[0]?.message).toContain(server.host);
    await expect(conn.getObject({ kind: "SwarmNode", name: "x" })).rejects.toMatchObject({ code: "unavailable" });
  });

  it("reports a key the server does not accept as not authenticated, without the key in the message", async () => {
    const conn = connect({ ...config, sshPrivateKey: server.otherPrivateKey });
    const probe = await conn.probe();
    expect(probe.conditions.slice(0, 2).map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Reachable", "True", "Connected"],
      ["Authenticated", "False", "SSHAuthFailed"],
    ]);
    const error = await conn.getObject({ kind: "SwarmNode", name: "x" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/^the Docker engine refused: /) });
    const keyBody = server.otherPrivateKey.split("\n")[1] ?? "";
    expect(JSON.stringify(probe)).not.toContain(keyBody);
    expect(String((error as Error).message)).not.toContain(keyBody);
  });

  it("needs known_hosts unless host key checks are skipped on purpose", async () => {
    expect(() => createSwarmConnection({ host: server.host, sshPrivateKey: server.privateKey })).toThrow(
      expect.objectContaining({ code: "invalid_input", message: expect.stringContaining("sshKnownHosts") }),
    );
    const insecure = connect({ host: server.host, sshPrivateKey: server.privateKey, insecureSkipHostKeyCheck: true });
    expect((await insecure.probe()).conditions.every((c) => c.status === "True")).toBe(true);
  });
});
