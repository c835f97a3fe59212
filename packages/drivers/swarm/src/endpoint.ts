import { AppError } from "@meridian/core";

/** How Meridian reaches one Docker engine (the `SwarmConnection` contract without its `kind`). */
export interface SwarmConnectionConfig {
  /** unix:///path/docker.sock, tcp://host:port or ssh://user@host[:port] */
  host: string;
  tls?: { caData: string; certData: string; keyData: string };
  sshPrivateKey?: string;
  sshKnownHosts?: string;
  insecureSkipHostKeyCheck?: boolean;
}

export type SwarmEndpoint =
  | { scheme: "unix"; socketPath: string }
  | { scheme: "tcp"; hostname: string; port: number }
  | { scheme: "ssh"; user: string | null; hostname: string; port: number };

export type SwarmAuthMethod = "unix-socket" | "tcp" | "tls" | "ssh";

// Host names and users end up in an ssh argv: a leading "-" would read as an option, so only plain names pass.
const safeHostname = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]+\])$/;
const safeUser = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function parsePort(text: string | undefined, fallback: number, host: string): number {
  if (text === undefined || text === "") return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AppError("invalid_input", `invalid port in Docker host ${host}`);
  return port;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

/** Parses `host` into a socket path or host/port; throws invalid_input for anything else. */
export function parseSwarmEndpoint(host: string): SwarmEndpoint {
  if (host.startsWith("unix:///")) return { scheme: "unix", socketPath: host.slice("unix://".length) };
  const tcp = /^tcp:\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(host);
  if (tcp) {
    const hostname = tcp[1] ?? "";
    if (!safeHostname.test(hostname)) throw new AppError("invalid_input", `invalid host name in Docker host ${host}`);
    return { scheme: "tcp", hostname: stripBrackets(hostname), port: parsePort(tcp[2], 2375, host) };
  }
  const ssh = /^ssh:\/\/(?:([^@/]+)@)?([^/:@]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(host);
  if (ssh) {
    const user = ssh[1] ?? null;
    const hostname = ssh[2] ?? "";
    if (user !== null && !safeUser.test(user)) throw new AppError("invalid_input", `invalid user name in Docker host ${host}`);
    if (!safeHostname.test(hostname)) throw new AppError("invalid_input", `invalid host name in Docker host ${host}`);
    return { scheme: "ssh", user, hostname: stripBrackets(hostname), port: parsePort(ssh[3], 22, host) };
  }
  throw new AppError("invalid_input", `unsupported Docker host ${JSON.stringify(host)}: use unix:///path, tcp://host:port or ssh://user@host[:port]`);
}

/** A printable endpoint (never credentials) and how Meridian authenticates to it. */
export function describeSwarmEndpoint(config: SwarmConnectionConfig): { endpoint: string; authMethod: SwarmAuthMethod } {
  const endpoint = parseSwarmEndpoint(config.host);
  switch (endpoint.scheme) {
    case "unix":
      return { endpoint: `unix://${endpoint.socketPath}`, authMethod: "unix-socket" };
    case "tcp":
      return { endpoint: `tcp://${formatHostPort(endpoint.hostname, endpoint.port)}`, authMethod: config.tls ? "tls" : "tcp" };
    case "ssh": {
      const user = endpoint.user === null ? "" : `${endpoint.user}@`;
      return { endpoint: `ssh://${user}${formatHostPort(endpoint.hostname, endpoint.port)}`, authMethod: "ssh" };
    }
    default: {
      const unknown: never = endpoint;
      throw new AppError("internal", `unknown endpoint ${String(unknown)}`);
    }
  }
}

export function formatHostPort(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}
