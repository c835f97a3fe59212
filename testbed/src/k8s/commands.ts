import { parseArgs } from "node:util";
import { TestbedError } from "../lib/log.js";
import { createAdminApi, getK8sContext } from "./context.js";
import { startApiserver, stopApiserver, stopK8sTestbed } from "./down.js";
import { markNodeNotReady, markNodeReady } from "./node-ops.js";
import { runK8sScale } from "./scale.js";
import { formatK8sEnv, formatK8sStatus, getK8sStatus } from "./status.js";
import { startK8sTestbed } from "./up.js";

export const k8sUsage = `k8s up [--nodes N] [--metrics] [--no-qps-limits]   start or complete the cluster (default 3 nodes)
k8s down [--keep]                                  stop what the testbed started, delete its run dir
k8s status [--json]                                components, pids, RSS, node readiness
k8s env                                            export lines (admin kubeconfig, restricted kubeconfig)
k8s apiserver stop|start                           outage knob
k8s node not-ready|ready <name>                    node failure knob
k8s scale --nodes N --pods M [--json]              scale measurement (see docs/testbed.md)`;

function parseCount(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new TestbedError(`${flag} must be a non-negative integer`);
  return value;
}

export async function runK8sCommand(args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      nodes: { type: "string" },
      pods: { type: "string" },
      metrics: { type: "boolean" },
      "no-qps-limits": { type: "boolean" },
      keep: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  switch (verb) {
    case "up":
      await startK8sTestbed({
        nodes: parseCount(values.nodes, "--nodes"),
        metrics: values.metrics,
        disableQpsLimits: values["no-qps-limits"],
      });
      return;
    case "down":
      await stopK8sTestbed({ keep: values.keep });
      return;
    case "status": {
      const status = await getK8sStatus();
      process.stdout.write(`${values.json ? JSON.stringify(status, null, 2) : formatK8sStatus(status)}\n`);
      return;
    }
    case "env":
      process.stdout.write(`${formatK8sEnv()}\n`);
      return;
    case "apiserver":
      if (positionals[0] === "stop") return stopApiserver();
      if (positionals[0] === "start") return startApiserver();
      throw new TestbedError("usage: k8s apiserver stop|start");
    case "node": {
      const [action, name] = positionals;
      if (name === undefined || (action !== "not-ready" && action !== "ready")) {
        throw new TestbedError("usage: k8s node not-ready|ready <node-name>");
      }
      const api = createAdminApi(getK8sContext());
      try {
        await (action === "ready" ? markNodeReady(api, name) : markNodeNotReady(api, name));
      } finally {
        api.close();
      }
      return;
    }
    case "scale": {
      const result = await runK8sScale({
        nodes: parseCount(values.nodes, "--nodes") ?? 1000,
        pods: parseCount(values.pods, "--pods") ?? 30000,
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    default:
      throw new TestbedError(`unknown k8s command ${verb ?? "(none)"}\n${k8sUsage}`);
  }
}
