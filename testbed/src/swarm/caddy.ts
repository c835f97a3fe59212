import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { logStep } from "../lib/log.js";
import { assertPortsFree } from "../lib/preflight.js";
import { findDaemon, startDaemon, stopDaemon } from "../lib/processes.js";
import { waitFor } from "../lib/run.js";
import type { SwarmContext } from "./context.js";

/** The Caddy server Meridian's Swarm driver owns (its routes are the driver's; the testbed only creates it). */
export const caddyServerName = "meridian";

function readPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

/** Loopback ports of the testbed's Caddy; each can be overridden with the env var named beside it. */
export function getCaddyPorts() {
  return {
    admin: readPort("MERIDIAN_TESTBED_CADDY_ADMIN_PORT", 12019),
    http: readPort("MERIDIAN_TESTBED_CADDY_HTTP_PORT", 18180),
  };
}

export function getCaddyUrls() {
  const ports = getCaddyPorts();
  return { adminUrl: `http://127.0.0.1:${ports.admin}`, httpUrl: `http://127.0.0.1:${ports.http}` };
}

/**
 * Debian's caddy (2.6), run by us rather than systemd: admin API and one plain-HTTP server on loopback.
 * Automatic HTTPS is off for that server, or Caddy would try ACME for every routed test host (offline here);
 * HTTPS with managed certificates is configured separately. `--resume` keeps the routes the driver wrote
 * (Caddy's autosave under the run dir) when Caddy restarts; a fresh `swarm up` starts from the minimal config.
 */
export async function startCaddy(ctx: SwarmContext): Promise<void> {
  if (findDaemon(ctx.runDir, "caddy") !== undefined) return;
  const ports = getCaddyPorts();
  await assertPortsFree({ "caddy admin": ports.admin, "caddy http": ports.http });
  const home = join(ctx.runDir, "caddy");
  mkdirSync(home, { recursive: true });
  const configPath = join(ctx.runDir, "caddy.json");
  const config = {
    admin: { listen: `127.0.0.1:${ports.admin}` },
    apps: {
      http: {
        servers: {
          [caddyServerName]: { listen: [`127.0.0.1:${ports.http}`], automatic_https: { disable: true }, routes: [] },
        },
      },
    },
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  logStep(`starting caddy (admin 127.0.0.1:${ports.admin}, http 127.0.0.1:${ports.http})`);
  await startDaemon(ctx.runDir, {
    name: "caddy",
    argv: ["caddy", "run", "--resume", "--config", configPath],
    // Caddy keeps its autosave and data under XDG dirs: ours, never root's home.
    env: { HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_DATA_HOME: join(home, "data") },
  });
  await waitFor("caddy admin API", async () => (await fetch(`http://127.0.0.1:${ports.admin}/config/`)).ok, 30_000);
}

export async function stopCaddy(ctx: SwarmContext): Promise<boolean> {
  return stopDaemon(ctx.runDir, "caddy");
}
