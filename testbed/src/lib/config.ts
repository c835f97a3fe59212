import { homedir } from "node:os";
import { join } from "node:path";

/** Pinned component versions. Changing one changes the cache key, so a new cache is built. */
export const versions = {
  kubernetes: "v1.36.3",
  kubernetesStaging: "v0.36.3",
  etcd: "v3.6.14",
  kwok: "v0.8.0",
  metricsServer: "v0.9.0",
  helm: "v3.21.4",
  kustomize: "v5.8.1",
} as const;

export const versionKey = [
  `k8s-${versions.kubernetes}`,
  `etcd-${versions.etcd}`,
  `kwok-${versions.kwok}`,
  `ms-${versions.metricsServer}`,
  `helm-${versions.helm}`,
  `kustomize-${versions.kustomize}`,
].join("_");

/** A TCP port from the env var `name`, or the fallback. */
export function readPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  return port;
}

export type TestbedPaths = {
  root: string;
  cache: string;
  bin: string;
  src: string;
  data: string;
  k8sRun: string;
  swarmRun: string;
};

export function getPaths(): TestbedPaths {
  const base = process.env.MERIDIAN_CACHE_DIR || join(homedir(), ".cache", "meridian");
  const root = join(base, "testbed");
  const cache = join(root, versionKey);
  return {
    root,
    cache,
    bin: join(cache, "bin"),
    src: join(cache, "src"),
    data: join(cache, "data"),
    k8sRun: join(root, "run", "k8s"),
    swarmRun: join(root, "run", "swarm"),
  };
}

/** Fixed loopback ports; each can be overridden with the env var named beside it. */
export function getK8sPorts() {
  return {
    apiserver: readPort("MERIDIAN_TESTBED_APISERVER_PORT", 16443),
    etcdClient: readPort("MERIDIAN_TESTBED_ETCD_PORT", 12379),
    etcdPeer: readPort("MERIDIAN_TESTBED_ETCD_PEER_PORT", 12380),
    controllerManager: readPort("MERIDIAN_TESTBED_KCM_PORT", 16257),
    scheduler: readPort("MERIDIAN_TESTBED_SCHEDULER_PORT", 16259),
    kwok: readPort("MERIDIAN_TESTBED_KWOK_PORT", 16250),
    metricsServer: readPort("MERIDIAN_TESTBED_METRICS_SERVER_PORT", 16251),
  };
}

export type K8sPorts = ReturnType<typeof getK8sPorts>;

export function getSwarmPorts() {
  return {
    registry: readPort("MERIDIAN_TESTBED_REGISTRY_PORT", 5000),
  };
}
