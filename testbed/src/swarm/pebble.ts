import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { logStep } from "../lib/log.js";
import { assertPortsFree } from "../lib/preflight.js";
import { findDaemon, startDaemon, stopDaemon } from "../lib/processes.js";
import { runCommand, waitFor } from "../lib/run.js";
import { getCaddyPorts } from "./caddy.js";
import type { SwarmContext } from "./context.js";

/**
 * An ACME CA for domain tests: Debian's pebble, with pebble-challtestsrv as its DNS server (every name resolves
 * to 127.0.0.1), validating HTTP-01 on the testbed Caddy's HTTP port, so certificates are issued through the same
 * router that serves the apps. Pebble's own HTTPS listener gets a certificate from a throw-away CA made here
 * (Debian ships none); Meridian trusts it through MERIDIAN_ACME_CA_FILE.
 */
export function getPebblePorts() {
  return { acme: 14000, management: 15000, dns: 8053, challtestsrvManagement: 8055 };
}

export function getPebbleInfo(ctx: SwarmContext) {
  const p = getPebblePorts();
  return {
    directoryUrl: `https://127.0.0.1:${p.acme}/dir`,
    /** Issued certificates chain to this root (Pebble makes a new one per start). */
    rootsUrl: `https://127.0.0.1:${p.management}/roots/0`,
    /** The CA of Pebble's own HTTPS listeners. */
    caFile: join(ctx.runDir, "pebble", "ca.pem"),
    dnsServer: `127.0.0.1:${p.dns}`,
    httpChallengePort: getCaddyPorts().http,
  };
}

async function makeListenerCertificate(dir: string): Promise<void> {
  if (existsSync(join(dir, "cert.pem"))) return;
  const ossl = (...args: string[]) => runCommand(["openssl", ...args]);
  await ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3650", "-subj", "/CN=meridian testbed pebble CA", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem"));
  await ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.csr"));
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await ossl("x509", "-req", "-in", join(dir, "cert.csr"), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "3650", "-extfile", join(dir, "ext.cnf"), "-out", join(dir, "cert.pem"));
}

async function linkInto(dir: string, target: string): Promise<string> {
  const link = join(dir, basename(target));
  if (!existsSync(link)) symlinkSync(target, link);
  return link;
}

export async function startPebble(ctx: SwarmContext): Promise<void> {
  const p = getPebblePorts();
  const dir = join(ctx.runDir, "pebble");
  mkdirSync(dir, { recursive: true });
  if (findDaemon(ctx.runDir, "pebble") !== undefined && findDaemon(ctx.runDir, "challtestsrv") !== undefined) return;
  await stopPebble(ctx);
  await assertPortsFree({ "pebble acme": p.acme, "pebble management": p.management, "challtestsrv dns": p.dns, "challtestsrv management": p.challtestsrvManagement });
  await makeListenerCertificate(dir);
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${p.acme}`,
      managementListenAddress: `127.0.0.1:${p.management}`,
      certificate: join(dir, "cert.pem"),
      privateKey: join(dir, "key.pem"),
      httpPort: getCaddyPorts().http,
      tlsPort: getCaddyPorts().https,
      ocspResponderURL: "",
      externalAccountBindingRequired: false,
    },
  };
  writeFileSync(join(dir, "pebble.json"), `${JSON.stringify(config, null, 2)}\n`);
  logStep(`starting pebble (ACME https://127.0.0.1:${p.acme}/dir) and its DNS (127.0.0.1:${p.dns}, every name → 127.0.0.1)`);
  await startDaemon(ctx.runDir, {
    name: "challtestsrv",
    // Started through a link in the run dir: the testbed recognizes its daemons by the run dir in their argv.
    argv: [await linkInto(dir, "/usr/bin/pebble-challtestsrv"), "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", `127.0.0.1:${p.dns}`, "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", `127.0.0.1:${p.challtestsrvManagement}`],
  });
  await startDaemon(ctx.runDir, {
    name: "pebble",
    argv: ["pebble", "-config", join(dir, "pebble.json"), "-dnsserver", `127.0.0.1:${p.dns}`],
    // No random sleeps before validation, no random nonce rejections: tests stay fast and deterministic.
    env: { PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
  });
  await waitFor("pebble directory", async () => {
    const r = await runCommand(["curl", "-sf", "--cacert", join(dir, "ca.pem"), `https://127.0.0.1:${p.acme}/dir`]).catch(() => null);
    return r !== null;
  }, 30_000);
}

export async function stopPebble(ctx: SwarmContext): Promise<boolean> {
  const a = await stopDaemon(ctx.runDir, "pebble");
  const b = await stopDaemon(ctx.runDir, "challtestsrv");
  return a || b;
}
