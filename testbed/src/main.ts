import { buildTestbedBinaries } from "./build/go-build.js";
import { runCiPrepare } from "./ci-prepare.js";
import { k8sUsage, runK8sCommand } from "./k8s/commands.js";
import { getPaths } from "./lib/config.js";
import { TestbedError } from "./lib/log.js";
import { runSwarmCommand, swarmUsage } from "./swarm/commands.js";

const usage = `usage: npm run testbed -- <command>
build                                              build the pinned binaries into the cache
ci-prepare                                         install Debian packages and build the cache (fresh machine)
${k8sUsage}
${swarmUsage}`;

async function main(argv: string[]): Promise<void> {
  const [area, ...rest] = argv;
  switch (area) {
    case "k8s":
      return runK8sCommand(rest);
    case "swarm":
      return runSwarmCommand(rest);
    case "build":
      return buildTestbedBinaries(getPaths());
    case "ci-prepare":
      return runCiPrepare();
    case undefined:
    case "help":
    case "--help":
      process.stdout.write(`${usage}\n`);
      return;
    default:
      throw new TestbedError(`unknown command ${area}\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof TestbedError) {
    process.stderr.write(`testbed: ${error.message}\n`);
  } else {
    process.stderr.write(`testbed: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
});
