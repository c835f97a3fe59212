import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getPaths, getSwarmPorts } from "../lib/config.js";
import { type RunOptions, type RunResult, runCommand } from "../lib/run.js";

/** Debian packages the Swarm testbed needs (installed by `swarm up` / `ci-prepare` when missing). */
// openssh-server: the Swarm driver's ssh:// tests run a private sshd whose sessions reach the testbed engine.
// caddy: the router of the Swarm driver's apps (run by the testbed, not systemd).
export const swarmPackages = ["docker.io", "docker-registry", "busybox-static", "iproute2", "iptables", "tar", "openssh-server", "caddy", "pebble", "openssl", "curl", "prometheus"];

/** Host-only addresses; nothing here is routed off the machine. */
export const swarmNetwork = {
  /** Default bridge of every testbed dockerd (its own name, so a system docker0 is never touched). */
  containerBridge: "mrdn-tb0",
  containerBridgeCidr: "10.213.1.1/24",
  gwBridge: "mrdn_gwbridge",
  gwBridgeSubnet: "10.213.2.0/24",
  /** Bridge joining worker network namespaces to the host (multi-node only). */
  nodeBridge: "mrdn-nodes",
  nodeBridgeIp: "10.213.0.1",
} as const;

export type SwarmState = { workers: number; advertiseAddr: string };

export type SwarmContext = {
  runDir: string;
  socket: string;
  dockerHost: string;
  registry: string;
  registryPort: number;
};

export type DockerDaemon = { name: string; dir: string; socket: string; dockerHost: string };

export function getSwarmContext(): SwarmContext {
  const runDir = getPaths().swarmRun;
  const socket = join(runDir, "docker.sock");
  const registryPort = getSwarmPorts().registry;
  return { runDir, socket, dockerHost: `unix://${socket}`, registry: `127.0.0.1:${registryPort}`, registryPort };
}

export function getManagerDaemon(ctx: SwarmContext): DockerDaemon {
  return { name: "dockerd", dir: ctx.runDir, socket: ctx.socket, dockerHost: ctx.dockerHost };
}

export function getWorkerDaemon(ctx: SwarmContext, index: number): DockerDaemon {
  const dir = join(ctx.runDir, "workers", `w${index}`);
  const socket = join(dir, "docker.sock");
  return { name: `dockerd-w${index}`, dir, socket, dockerHost: `unix://${socket}` };
}

/** The docker CLI against one of our daemons (never the system one). */
export function runDocker(daemon: DockerDaemon, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runCommand(["docker", ...args], {
    ...options,
    env: { ...process.env, DOCKER_HOST: daemon.dockerHost, DOCKER_BUILDKIT: "0", DOCKER_CLI_HINTS: "false" },
  });
}

export function readSwarmState(ctx: SwarmContext): SwarmState | undefined {
  try {
    return JSON.parse(readFileSync(join(ctx.runDir, "state.json"), "utf8")) as SwarmState;
  } catch {
    return undefined;
  }
}

export function writeSwarmState(ctx: SwarmContext, state: SwarmState): void {
  mkdirSync(ctx.runDir, { recursive: true });
  writeFileSync(join(ctx.runDir, "state.json"), `${JSON.stringify(state, null, 2)}\n`);
}
