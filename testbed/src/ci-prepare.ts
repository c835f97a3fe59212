import { buildTestbedBinaries } from "./build/go-build.js";
import { getPaths } from "./lib/config.js";
import { ensureDebianPackages } from "./lib/debian.js";
import { logStep } from "./lib/log.js";
import { swarmPackages } from "./swarm/context.js";

/** Fresh machine: Debian packages for the Swarm testbed, then every pinned binary for the k8s testbed. */
export async function runCiPrepare(): Promise<void> {
  await ensureDebianPackages([...swarmPackages, "openssl"]);
  await buildTestbedBinaries(getPaths());
  logStep("ci-prepare done");
}
