import type { Cluster, ClusterTarget } from "@meridian/core";
import type { Command } from "commander";
import { formatAge, formatBytes, formatMillicores } from "../clusters/format.js";
import { writeSection } from "../clusters/sections.js";
import { selectCluster, listAllClusters } from "../clusters/select-cluster.js";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { promptLine } from "../prompt.js";
import { resolveEnvironmentId, resolveProjectId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";
import { inventoryCount, registerClusterAddCommand } from "./cluster-add.js";

const columns: Column<Cluster>[] = [
  { header: "Name", value: (c) => c.slug },
  { header: "Runtime", value: (c) => c.runtime },
  { header: "State", value: (c) => c.state },
  { header: "Version", value: (c) => c.version },
  { header: "Nodes", value: (c) => `${c.summary.readyNodes}/${c.summary.nodes}` },
  { header: "Pods", value: (c) => c.summary.pods },
  { header: "CPU req/cap", value: (c) => `${formatMillicores(c.summary.cpuRequests)}/${formatMillicores(c.summary.cpuCapacity)}` },
  { header: "Mem req/cap", value: (c) => `${formatBytes(c.summary.memoryRequests)}/${formatBytes(c.summary.memoryCapacity)}` },
  { header: "Age", value: (c) => formatAge(c.createdAt) },
];

const detailFields: Column<Cluster>[] = [
  { header: "Name", value: (c) => c.slug },
  { header: "Display name", value: (c) => c.name },
  { header: "Description", value: (c) => c.description },
  { header: "Runtime", value: (c) => c.runtime },
  { header: "Endpoint", value: (c) => c.endpoint },
  { header: "Context", value: (c) => c.context },
  { header: "Auth", value: (c) => c.authMethod },
  { header: "Labels", value: (c) => Object.entries(c.labels).map(([k, v]) => `${k}=${v}`) },
  { header: "Version", value: (c) => c.version },
  { header: "State", value: (c) => c.state },
  { header: "Nodes", value: (c) => `${c.summary.readyNodes}/${c.summary.nodes} ready` },
  { header: "Pods", value: (c) => `${c.summary.pods} (${c.summary.problemPods} with problems)` },
  { header: "Namespaces", value: (c) => c.summary.namespaces },
  { header: "CPU", value: (c) => `${formatMillicores(c.summary.cpuRequests)} requested of ${formatMillicores(c.summary.cpuCapacity)}` },
  { header: "Memory", value: (c) => `${formatBytes(c.summary.memoryRequests)} requested of ${formatBytes(c.summary.memoryCapacity)}` },
  { header: "Warnings", value: (c) => c.summary.warnings },
  { header: "Inventory", value: (c) => `${inventoryCount(c)} objects` },
  { header: "Created", value: (c) => c.createdAt, kind: "time" },
  { header: "ID", value: (c) => c.id, fixed: true },
];

const targetColumns: Column<ClusterTarget>[] = [
  { header: "ID", value: (t) => t.id, fixed: true },
  { header: "Project", value: (t) => t.projectName },
  { header: "Env", value: (t) => t.environmentName },
  { header: "Namespace", value: (t) => t.namespace },
  { header: "Created", value: (t) => t.createdAt, kind: "time" },
];

export function registerClusterCommands(program: Command, env: CliEnv): void {
  const clusters = program.command("clusters").alias("cluster").description("Connected Kubernetes clusters and Docker Swarms");
  clusters.command("list", { isDefault: true }).alias("ls").description("Clusters with state, version and capacity").action(withRuntime(env, listClusters));
  clusters.command("get <cluster>").description("A cluster's details: conditions, targets, inventory").action(withRuntime(env, getCluster));
  registerClusterAddCommand(clusters, env);
  clusters
    .command("remove <cluster>")
    .alias("rm")
    .description("Disconnect a cluster and forget its credentials (nothing in the cluster is touched)")
    .option("--yes", "do not ask (required when stdin is not a terminal)")
    .action(withRuntime(env, removeCluster));
  clusters
    .command("bind <cluster>")
    .description("Bind a namespace (Swarm: stack) of the cluster to a project environment")
    .requiredOption("-p, --project <project>", "project slug, name or id")
    .requiredOption("-e, --env <env>", "environment slug, name or id")
    .requiredOption("-n, --namespace <namespace>", "namespace or stack")
    .action(withRuntime(env, bindCluster));
  clusters
    .command("unbind <cluster> <target>")
    .description("Remove a binding, by target id or namespace (see `clusters get`)")
    .action(withRuntime(env, unbindCluster));
}

async function listClusters(rt: Runtime): Promise<void> {
  const items = await listAllClusters(rt.getClient(), rt.getOrg());
  rt.printer.list(items, columns, "No clusters; connect one with `meridian clusters add`.");
}

async function getCluster(rt: Runtime, [ref]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const found = await selectCluster(client, orgId, ref);
  const cluster = await client.call("getCluster", { params: { orgId, clusterId: found.id } });
  rt.printer.item(cluster, detailFields);
  if (rt.printer.format !== "table") return;
  writeSection(rt, "Conditions", cluster.conditions, [
    { header: "Type", value: (c) => c.type },
    { header: "Status", value: (c) => c.status },
    { header: "Reason", value: (c) => c.reason },
    { header: "Since", value: (c) => c.lastTransitionTime, kind: "time" },
    { header: "Message", value: (c) => c.message, max: 100 },
  ]);
  writeSection(rt, "Targets", cluster.targets, targetColumns);
  writeSection(rt, "Inventory", cluster.inventory, [
    { header: "Kind", value: (k) => k.kind },
    { header: "Group", value: (k) => k.group },
    { header: "Phase", value: (k) => k.phase },
    { header: "Count", value: (k) => k.count },
    { header: "Message", value: (k) => k.message, max: 100 },
  ]);
}

async function removeCluster(rt: Runtime, [ref]: string[], opts: { yes?: boolean }): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, ref);
  if (!opts.yes) {
    if (!process.stdin.isTTY) throw new UsageError(`refusing to remove cluster ${cluster.slug} without --yes (stdin is not a terminal)`);
    const answer = await promptLine(`Disconnect cluster ${cluster.slug} (${cluster.endpoint}) and delete its ${cluster.targets.length} binding(s)? Nothing in the cluster is touched. [y/N] `);
    if (!/^y(es)?$/i.test(answer)) throw new CliError("cancelled");
  }
  await client.call("deleteCluster", { params: { orgId, clusterId: cluster.id } });
  rt.printer.done(`Cluster ${cluster.slug} removed.`);
}

async function bindCluster(rt: Runtime, [ref]: string[], opts: { project: string; env: string; namespace: string }): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, ref);
  const projectId = await resolveProjectId(client, orgId, opts.project);
  const environmentId = await resolveEnvironmentId(client, orgId, projectId, opts.env);
  const target = await client.call("createClusterTarget", { params: { orgId, clusterId: cluster.id }, body: { projectId, environmentId, namespace: opts.namespace } });
  rt.printer.done(`Namespace ${target.namespace} of cluster ${cluster.slug} bound to ${target.projectName}/${target.environmentName} (target ${target.id}).`, target);
}

async function unbindCluster(rt: Runtime, [ref, targetRef]: string[]): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, ref);
  const matches = cluster.targets.filter((t) => t.id === targetRef || t.namespace === targetRef);
  if (matches.length === 0) throw new CliError(`cluster ${cluster.slug} has no target "${targetRef}" (see: meridian clusters get ${cluster.slug})`);
  if (matches.length > 1) throw new CliError(`namespace ${targetRef} is bound to several environments; give the target id (${matches.map((t) => t.id).join(", ")})`);
  const target = matches[0] as ClusterTarget;
  await client.call("deleteClusterTarget", { params: { orgId, clusterId: cluster.id, targetId: target.id } });
  rt.printer.done(`Namespace ${target.namespace} of cluster ${cluster.slug} unbound from ${target.projectName}/${target.environmentName}.`);
}
