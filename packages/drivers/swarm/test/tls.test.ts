import type { ClusterConnection } from "@meridian/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SwarmConnectionConfig, createSwarmConnection, describeSwarmEndpoint } from "../src/index.js";
import { waitFor } from "./helpers.js";
import { type TlsDockerd, findTlsDockerdBlocker, startTlsDockerd } from "./tls-dockerd.js";

const blocker = findTlsDockerdBlocker();
if (blocker) console.warn(`swarm TLS tests skipped: ${blocker}`);

describe.skipIf(blocker !== null)(`swarm driver over tcp:// with TLS client certificates${blocker ? ` — skipped: ${blocker}` : ""}`, () => {
  let engine: TlsDockerd;
  const connections: ClusterConnection[] = [];
  const connect = (config: SwarmConnectionConfig) => {
    const conn = createSwarmConnection(config);
    connections.push(conn);
    return conn;
  };

  beforeAll(async () => {
    engine = await startTlsDockerd();
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await engine?.stop();
  });

  it("talks to an engine that verifies client certificates, and reports it is no Swarm manager", async () => {
    const config = { host: engine.host, tls: engine.client };
    expect(describeSwarmEndpoint(config)).toEqual({ endpoint: engine.host, authMethod: "tls" });
    // The engine may still be finishing its start-up after the port opened.
    const probe = await waitFor("an answering engine", async () => {
      const result = await connect(config).probe();
      return result.conditions[1]?.status === "True" ? result : undefined;
    }, 30_000);
    expect(probe.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Reachable", "True", "Ping"],
      ["Authenticated", "True", "ApiAnswered"],
      ["Ready", "False", "SwarmInactive"],
    ]);
    expect(probe.version).toMatch(/^\d+\.\d+/);
    await expect(connect(config).getObject({ kind: "SwarmNode", name: "x" })).rejects.toMatchObject({ code: "unavailable", message: expect.stringContaining("not a swarm manager") });
  });

  it("reports a client certificate from an untrusted CA as not authenticated", async () => {
    const conn = connect({ host: engine.host, tls: engine.rogueClient });
    const probe = await conn.probe();
    expect(probe.conditions.slice(0, 2).map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Reachable", "True", "Connected"],
      ["Authenticated", "False", "ClientCertificateRejected"],
    ]);
    const error = await conn.getObject({ kind: "SwarmService", name: "x" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/^the Docker engine refused: tcp:\/\/127\.0\.0\.1:\d+ rejected the TLS client certificate/) });
    expect(String((error as Error).message)).not.toContain(engine.rogueClient.keyData.split("\n")[1] ?? "");
  });

  it("refuses an engine whose certificate the CA bundle does not cover", async () => {
    const probe = await connect({ host: engine.host, tls: { ...engine.client, caData: engine.otherCa } }).probe();
    expect(probe.conditions[0]).toMatchObject({ type: "Reachable", status: "False", reason: "TLSError" });
    expect(probe.conditions[0]?.message).toMatch(new RegExp(`^TLS handshake with the Docker engine at ${engine.host} failed: `));
  });

  it("says the engine expects TLS when none is configured, and rejects unusable key material clearly", async () => {
    const plain = await connect({ host: engine.host }).probe();
    expect(plain.conditions[0]).toMatchObject({ status: "False", reason: "TLSError", message: expect.stringContaining("expects TLS") });
    const broken = { ...engine.client, keyData: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" };
    await expect(connect({ host: engine.host, tls: broken }).getObject({ kind: "SwarmNode", name: "x" })).rejects.toMatchObject({ code: "invalid_input" });
  });
});
