import { parseArgs } from "node:util";
import { TestbedError } from "../lib/log.js";
import { stopSwarmTestbed } from "./down.js";
import { formatSwarmEnv, formatSwarmStatus, getSwarmStatus } from "./status.js";
import { setWorkerRunning, startSwarmTestbed } from "./up.js";

export const swarmUsage = `swarm up [--workers N]                             dockerd + swarm + registry + images (N workers in netns)
swarm down [--keep]                                stop what the testbed started, delete its run dir
swarm status [--json]                              daemons, swarm nodes, registry
swarm env                                          export DOCKER_HOST=... and the registry address
swarm worker stop|start <N>                        node-loss knob (stop/restart worker N's dockerd)`;

export async function runSwarmCommand(args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { workers: { type: "string" }, keep: { type: "boolean" }, json: { type: "boolean" } },
  });
  switch (verb) {
    case "up": {
      const workers = values.workers === undefined ? undefined : Number(values.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 50)) {
        throw new TestbedError("--workers must be an integer between 0 and 50");
      }
      await startSwarmTestbed({ workers });
      return;
    }
    case "down":
      await stopSwarmTestbed({ keep: values.keep });
      return;
    case "status": {
      const status = await getSwarmStatus();
      process.stdout.write(`${values.json ? JSON.stringify(status, null, 2) : formatSwarmStatus(status)}\n`);
      return;
    }
    case "env":
      process.stdout.write(`${formatSwarmEnv()}\n`);
      return;
    case "worker": {
      const [action, raw] = positionals;
      const index = Number(raw);
      if ((action !== "stop" && action !== "start") || !Number.isInteger(index) || index < 1) {
        throw new TestbedError("usage: swarm worker stop|start <N>");
      }
      await setWorkerRunning(index, action === "start");
      return;
    }
    default:
      throw new TestbedError(`unknown swarm command ${verb ?? "(none)"}\n${swarmUsage}`);
  }
}
