import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readPort } from "../lib/config.js";
import { logStep } from "../lib/log.js";
import { assertPortsFree } from "../lib/preflight.js";
import { findDaemon, startDaemon, stopDaemon } from "../lib/processes.js";
import { waitFor } from "../lib/run.js";
import type { SwarmContext } from "./context.js";

/** The Caddy server Meridian's Swarm driver owns (its routes are the driver's; the testbed only creates it). */
export const caddyServerName = "meridian";

/** Loopback ports of the testbed's Caddy; each can be overridden with the env var named beside it. */
export function getCaddyPorts() {
  return {
    admin: readPort("MERIDIAN_TESTBED_CADDY_ADMIN_PORT", 12019),
    http: readPort("MERIDIAN_TESTBED_CADDY_HTTP_PORT", 18180),
    https: readPort("MERIDIAN_TESTBED_CADDY_HTTPS_PORT", 18443),
  };
}

export function getCaddyUrls() {
  const ports = getCaddyPorts();
  return { adminUrl: `http://127.0.0.1:${ports.admin}`, httpUrl: `http://127.0.0.1:${ports.http}`, httpsUrl: `https://127.0.0.1:${ports.https}` };
}

/**
 * Debian's caddy (2.6), run by us rather than systemd: admin API and one server on loopback with two
 * listeners, plain HTTP on http_port and TLS on the other (Caddy enables TLS on every listener of a server with
 * connection policies except the http_port), certificates chosen by SNI from those Meridian loads (load_pem).
 * Automatic HTTPS is off, or Caddy would try ACME for every routed test host (offline here). `--resume` keeps
 * what the driver wrote (Caddy's autosave under the run dir) when Caddy restarts; a fresh `swarm up` starts
 * from the minimal config.
 */
export async function startCaddy(ctx: SwarmContext): Promise<void> {
  const ports = getCaddyPorts();
  const home = join(ctx.runDir, "caddy");
  const listen = [`127.0.0.1:${ports.http}`, `127.0.0.1:${ports.https}`];
  if (findDaemon(ctx.runDir, "caddy") !== undefined) {
    if (await hasListeners(ports.admin, listen)) return;
    // Started by an older testbed with other listeners: start over (its autosave would win over --config).
    logStep("caddy runs an older testbed config; restarting it");
    await stopCaddy(ctx);
    rmSync(join(home, "config"), { recursive: true, force: true });
  }
  await assertPortsFree({ "caddy admin": ports.admin, "caddy http": ports.http, "caddy https": ports.https });
  mkdirSync(home, { recursive: true });
  const configPath = join(ctx.runDir, "caddy.json");
  const config = {
    admin: { listen: `127.0.0.1:${ports.admin}` },
    apps: {
      http: {
        http_port: ports.http,
        https_port: ports.https,
        servers: {
          [caddyServerName]: {
            listen,
            automatic_https: { disable: true },
            tls_connection_policies: [{}],
            routes: [],
          },
        },
      },
    },
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  logStep(`starting caddy (admin 127.0.0.1:${ports.admin}, http 127.0.0.1:${ports.http}, https 127.0.0.1:${ports.https})`);
  await startDaemon(ctx.runDir, {
    name: "caddy",
    argv: ["caddy", "run", "--resume", "--config", configPath],
    // Caddy keeps its autosave and data under XDG dirs: ours, never root's home.
    env: { HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_DATA_HOME: join(home, "data") },
  });
  await waitFor("caddy admin API", async () => (await fetch(`http://127.0.0.1:${ports.admin}/config/`)).ok, 30_000);
}

async function hasListeners(adminPort: number, listen: string[]): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${adminPort}/config/apps/http/servers/${caddyServerName}/listen`);
    return res.ok && JSON.stringify(await res.json()) === JSON.stringify(listen);
  } catch {
    return false;
  }
}

export async function stopCaddy(ctx: SwarmContext): Promise<boolean> {
  return stopDaemon(ctx.runDir, "caddy");
}
