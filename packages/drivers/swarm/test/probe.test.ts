import { AppError, type ClusterConnection } from "@meridian/core";
import { ensureSwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSwarmConnection, describeSwarmEndpoint } from "../src/index.js";
import { getFreePort } from "./helpers.js";

describe("swarm driver: probe", () => {
  let dockerHost: string;
  const connections: ClusterConnection[] = [];
  const connect = (host: string) => {
    const conn = createSwarmConnection({ host });
    connections.push(conn);
    return conn;
  };

  beforeAll(async () => {
    ({ dockerHost } = await ensureSwarmTestbed());
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  it("reports the testbed manager reachable, authenticated and ready with its engine version", async () => {
    const result = await connect(dockerHost).probe();
    expect(result.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Reachable", "True", "Ping"],
      ["Authenticated", "True", "ApiAnswered"],
      ["Ready", "True", "SwarmManager"],
    ]);
    expect(result.version).toMatch(/^\d+\.\d+/);
    expect(describeSwarmEndpoint({ host: dockerHost })).toEqual({ endpoint: dockerHost, authMethod: "unix-socket" });
  });

  it("names a missing unix socket as unreachable, in the probe and in errors", async () => {
    const conn = connect("unix:///nonexistent/meridian/docker.sock");
    const result = await conn.probe();
    expect(result.version).toBeNull();
    expect(result.conditions[0]).toMatchObject({ type: "Reachable", status: "False", reason: "Unreachable" });
    expect(result.conditions[0]?.message).toMatch(/^cannot reach the Docker engine at unix:\/\/\/nonexistent\/meridian\/docker.sock: ENOENT/);
    const error = await conn.getObject({ kind: "SwarmService", name: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "unavailable", message: expect.stringContaining("unix:///nonexistent/meridian/docker.sock") });
  });

  it("names a closed tcp port as unreachable", async () => {
    const port = await getFreePort();
    const conn = connect(`tcp://127.0.0.1:${port}`);
    const result = await conn.probe();
    expect(result.conditions[0]).toMatchObject({ type: "Reachable", status: "False", reason: "Unreachable" });
    expect(result.conditions[0]?.message).toContain(`cannot reach the Docker engine at tcp://127.0.0.1:${port}: ECONNREFUSED`);
    expect(result.conditions.slice(1).map((c) => c.status)).toEqual(["Unknown", "Unknown"]);
  });

  it("stops at a cancelled signal", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await connect(dockerHost).probe(controller.signal);
    expect(result.conditions[0]).toMatchObject({ status: "False", reason: "Cancelled" });
  });
});
