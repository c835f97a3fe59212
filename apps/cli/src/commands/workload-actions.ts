import type { Command } from "commander";
import { formatObjectName } from "../clusters/format.js";
import { checkKindSupports, parseObjectArgs, pickNamespace } from "../clusters/kind-ref.js";
import { selectCluster } from "../clusters/select-cluster.js";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import { parsePositiveInt } from "../paging.js";
import { type Runtime, withRuntime } from "../runtime.js";

interface ObjectOptions {
  namespace?: string;
  cluster?: string;
}

const nsFlag = ["-n, --namespace <ns>", 'namespace or Swarm stack (Kubernetes default: "default")'] as const;
const clusterFlag = ["--cluster <cluster>", "cluster slug (default: the organization's only cluster)"] as const;

export function registerWorkloadCommands(program: Command, env: CliEnv): void {
  program
    .command("delete <kind> [name]")
    .description("Delete one object from its cluster")
    .option(...nsFlag)
    .option(...clusterFlag)
    .action(withRuntime(env, deleteObject));
  program
    .command("scale <kind> [name]")
    .description("Set the replicas of a Deployment, StatefulSet, ReplicaSet or Swarm service")
    .requiredOption("--replicas <n>", "desired replicas")
    .option(...nsFlag)
    .option(...clusterFlag)
    .action(withRuntime(env, scaleObject));
  const rollout = program.command("rollout").description("Restart or roll back a workload");
  rollout
    .command("restart <kind> [name]")
    .description("Restart a rollout (Swarm: force-update the service)")
    .option(...nsFlag)
    .option(...clusterFlag)
    .action(withRuntime(env, (rt, args, opts: ObjectOptions) => runAction(rt, args, opts, "restart")));
  rollout
    .command("undo <kind> [name]")
    .description("Roll back to the previous revision (Swarm: the previous spec)")
    .option(...nsFlag)
    .option(...clusterFlag)
    .action(withRuntime(env, (rt, args, opts: ObjectOptions) => runAction(rt, args, opts, "rollback")));
  const nodes = program.command("nodes").alias("node").description("Cordon, uncordon or drain a node");
  for (const [verb, description] of [
    ["cordon", "Mark a node unschedulable (Swarm: pause)"],
    ["uncordon", "Mark a node schedulable again (Swarm: activate)"],
    ["drain", "Cordon a node and evict its pods (Swarm: availability drain)"],
  ] as const) {
    nodes
      .command(`${verb} <node>`)
      .description(description)
      .option(...clusterFlag)
      .action(withRuntime(env, (rt, args, opts: ObjectOptions) => changeNode(rt, args, opts, verb)));
  }
}

/** Cluster, kind, name and namespace of the object a command acts on. */
async function resolveObject(rt: Runtime, args: string[], opts: ObjectOptions) {
  const { kind, name } = parseObjectArgs(args.filter(Boolean), "KIND NAME or KIND/NAME");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, opts.cluster);
  const namespace = pickNamespace(kind, opts.namespace);
  const query = { kind: kind.kind, name, ...(namespace ? { namespace } : {}) };
  const label = formatObjectName(kind.kind, name, kind.group);
  return { client, orgId, cluster, kind, query, label };
}

async function deleteObject(rt: Runtime, args: string[], opts: ObjectOptions): Promise<void> {
  const { client, orgId, cluster, query, label } = await resolveObject(rt, args, opts);
  await client.call("deleteResource", { params: { orgId, clusterId: cluster.id }, query });
  rt.printer.done(`${label} deleted`);
}

async function scaleObject(rt: Runtime, args: string[], opts: ObjectOptions & { replicas: string }): Promise<void> {
  const replicas = parsePositiveInt("--replicas", opts.replicas) as number;
  const { client, orgId, cluster, kind, query, label } = await resolveObject(rt, args, opts);
  checkKindSupports(kind, "scalable", "scaled");
  await client.call("scaleResource", { params: { orgId, clusterId: cluster.id }, body: { ...query, replicas } });
  rt.printer.done(`${label} scaled to ${replicas}`);
}

async function runAction(rt: Runtime, args: string[], opts: ObjectOptions, action: "restart" | "rollback"): Promise<void> {
  const { client, orgId, cluster, kind, query, label } = await resolveObject(rt, args, opts);
  const params = { orgId, clusterId: cluster.id };
  if (action === "restart") {
    checkKindSupports(kind, "restartable", "restarted");
    await client.call("restartResource", { params, body: query });
    rt.printer.done(`${label} restarted`);
  } else {
    checkKindSupports(kind, "rollbackable", "rolled back");
    await client.call("rollbackResource", { params, body: query });
    rt.printer.done(`${label} rolled back`);
  }
}

async function changeNode(rt: Runtime, [node]: string[], opts: ObjectOptions, verb: "cordon" | "uncordon" | "drain"): Promise<void> {
  if (!node) throw new UsageError("expected NODE");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, opts.cluster);
  const params = { orgId, clusterId: cluster.id, node };
  if (verb === "drain") {
    const r = await client.call("drainNode", { params });
    const skipped = r.skipped.length > 0 ? `; skipped: ${r.skipped.join(", ")}` : "";
    return rt.printer.done(`node/${node} drained (${r.evicted} evicted${skipped})`, r);
  }
  await client.call("setNodeSchedulable", { params, body: { schedulable: verb === "uncordon" } });
  rt.printer.done(`node/${node} ${verb}ed`);
}
