import { findDaemon } from "../lib/processes.js";
import { getCaddyUrls } from "./caddy.js";
import { getPebbleInfo } from "./pebble.js";
import { getPrometheusUrl } from "./prometheus.js";
import { getManagerDaemon, getSwarmContext, readSwarmState, runDocker } from "./context.js";
import { type SwarmImages, getImageNames } from "./images.js";

export type SwarmStatus = {
  running: boolean;
  ready: boolean;
  dockerHost: string;
  registry: string;
  images: SwarmImages;
  /** Caddy, the apps' router: admin API and the plain-HTTP listener tests send requests to. */
  router: { adminUrl: string; httpUrl: string; httpsUrl: string };
  /** Pebble, the ACME CA for domain tests, and the DNS server it (and Meridian's ownership checks) resolve with. */
  acme: ReturnType<typeof getPebbleInfo>;
  /** Prometheus scraping the router, for PromQL analysis gates. */
  prometheusUrl: string;
  daemons: Record<string, number | undefined>;
  nodes: { hostname: string; status: string; availability: string; role: string }[];
};

export async function getSwarmStatus(): Promise<SwarmStatus> {
  const ctx = getSwarmContext();
  const workers = readSwarmState(ctx)?.workers ?? 0;
  const names = ["registry", "caddy", "pebble", "challtestsrv", "prometheus", "dockerd", ...Array.from({ length: workers }, (_, i) => `dockerd-w${i + 1}`)];
  const daemons = Object.fromEntries(names.map((name) => [name, findDaemon(ctx.runDir, name)]));
  const status: SwarmStatus = {
    running: Object.values(daemons).some((pid) => pid !== undefined),
    ready: false,
    dockerHost: ctx.dockerHost,
    registry: ctx.registry,
    images: getImageNames(ctx),
    router: getCaddyUrls(),
    acme: getPebbleInfo(ctx),
    prometheusUrl: getPrometheusUrl(),
    daemons,
    nodes: [],
  };
  if (daemons.dockerd === undefined) return status;
  try {
    const { stdout } = await runDocker(getManagerDaemon(ctx), ["node", "ls", "--format", "{{json .}}"]);
    status.nodes = stdout
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Record<string, string>)
      .map((n) => ({ hostname: n.Hostname ?? "", status: n.Status ?? "", availability: n.Availability ?? "", role: n.ManagerStatus ? "manager" : "worker" }));
    const registryOk = await fetch(`http://${ctx.registry}/v2/`).then((r) => r.ok, () => false);
    status.ready = registryOk && Object.values(daemons).every((pid) => pid !== undefined) && status.nodes.length === workers + 1 && status.nodes.every((n) => n.status === "Ready");
  } catch {
    // daemon up but swarm not initialised yet
  }
  return status;
}

export function formatSwarmStatus(status: SwarmStatus): string {
  const lines = [`swarm testbed: ${status.ready ? "ready" : status.running ? "running, not ready" : "down"} (${status.dockerHost})`];
  for (const [name, pid] of Object.entries(status.daemons)) lines.push(`  ${name.padEnd(12)} ${pid === undefined ? "stopped" : `pid ${pid}`}`);
  for (const n of status.nodes) lines.push(`  node ${n.hostname} ${n.role} ${n.status} ${n.availability}`);
  lines.push(`  registry ${status.registry}`);
  lines.push(`  caddy admin ${status.router.adminUrl}, http ${status.router.httpUrl}, https ${status.router.httpsUrl}`);
  return lines.join("\n");
}

export function formatSwarmEnv(): string {
  const ctx = getSwarmContext();
  const images = getImageNames(ctx);
  return [
    `export DOCKER_HOST=${ctx.dockerHost}`,
    `export MERIDIAN_TEST_DOCKER_HOST=${ctx.dockerHost}`,
    `export MERIDIAN_TEST_REGISTRY=${ctx.registry}`,
    `export MERIDIAN_TEST_CADDY_ADMIN_URL=${getCaddyUrls().adminUrl}`,
    `export MERIDIAN_TEST_CADDY_HTTP_URL=${getCaddyUrls().httpUrl}`,
    `export MERIDIAN_TEST_CADDY_HTTPS_URL=${getCaddyUrls().httpsUrl}`,
    `# images: ${images.busybox} ${Object.values(images.testapp).join(" ")}`,
  ].join("\n");
}
