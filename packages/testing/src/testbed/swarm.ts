import { runTestbedCli } from "./cli.js";

export type SwarmImages = { busybox: string; testapp: Record<string, string> };

export type SwarmTestbed = {
  /** unix:// socket of the swarm manager's dockerd (never the system docker). */
  dockerHost: string;
  /** host:port of the local registry the images were pushed to. */
  registry: string;
  /** Registry references: busybox base and meridian/testapp v1, v2. */
  images: SwarmImages;
  /** Caddy, the apps' router: admin API URL and the plain-HTTP and TLS listeners requests are sent to. */
  router: { adminUrl: string; httpUrl: string; httpsUrl: string };
  /** Pebble (ACME CA) and the DNS server it and Meridian's ownership checks resolve with; null when external. */
  acme: { directoryUrl: string; rootsUrl: string; caFile: string; dnsServer: string; httpChallengePort: number } | null;
  /** Prometheus scraping the router (PromQL analysis gates); null when external. */
  prometheusUrl: string | null;
  /** Worker count (each a dockerd in its own network namespace). */
  workers: number;
  external: boolean;
};

type SwarmStatus = {
  ready: boolean;
  dockerHost: string;
  registry: string;
  images: SwarmImages;
  router: { adminUrl: string; httpUrl: string; httpsUrl: string };
  acme?: NonNullable<SwarmTestbed["acme"]>;
  prometheusUrl?: string;
  daemons: Record<string, number | undefined>;
  nodes: { status: string }[];
};

async function readSwarmStatus(): Promise<SwarmStatus> {
  return JSON.parse(await runTestbedCli(["swarm", "status", "--json"])) as SwarmStatus;
}

function getExternalImages(registry: string): SwarmImages {
  return {
    busybox: `${registry}/meridian/busybox:1.35`,
    testapp: { v1: `${registry}/meridian/testapp:v1`, v2: `${registry}/meridian/testapp:v2` },
  };
}

/**
 * Returns a running Swarm testbed: MERIDIAN_TEST_DOCKER_HOST (+ MERIDIAN_TEST_REGISTRY, MERIDIAN_TEST_CADDY_*_URL) if set, else the local
 * testbed, reused when ready and started with `swarm up [--workers N]` otherwise.
 */
export async function ensureSwarmTestbed(options: { workers?: number } = {}): Promise<SwarmTestbed> {
  const external = process.env.MERIDIAN_TEST_DOCKER_HOST;
  if (external) {
    const registry = process.env.MERIDIAN_TEST_REGISTRY || "127.0.0.1:5000";
    const router = {
      adminUrl: process.env.MERIDIAN_TEST_CADDY_ADMIN_URL || "http://127.0.0.1:2019",
      httpUrl: process.env.MERIDIAN_TEST_CADDY_HTTP_URL || "http://127.0.0.1:80",
      httpsUrl: process.env.MERIDIAN_TEST_CADDY_HTTPS_URL || "https://127.0.0.1:443",
    };
    return { dockerHost: external, registry, images: getExternalImages(registry), router, acme: null, prometheusUrl: process.env.MERIDIAN_TEST_PROMETHEUS_URL || null, workers: 0, external: true };
  }
  let status = await readSwarmStatus();
  const wanted = (options.workers ?? 0) + 1;
  // An older testbed without Caddy has no router in its status: `swarm up` (idempotent) adds it.
  if (!status.ready || status.nodes.length < wanted || !status.router?.httpsUrl || !status.daemons?.pebble || !status.daemons?.prometheus) {
    const args = ["swarm", "up"];
    if (options.workers !== undefined) args.push("--workers", String(options.workers));
    await runTestbedCli(args);
    status = await readSwarmStatus();
  }
  return {
    dockerHost: status.dockerHost,
    registry: status.registry,
    images: status.images,
    router: status.router,
    acme: status.acme ?? null,
    prometheusUrl: status.prometheusUrl ?? null,
    workers: status.nodes.length - 1,
    external: false,
  };
}

/** Node-loss knob: stop or restart worker N's dockerd (local testbed only). */
export async function setSwarmWorkerRunning(index: number, running: boolean): Promise<void> {
  await runTestbedCli(["swarm", "worker", running ? "start" : "stop", String(index)]);
}
