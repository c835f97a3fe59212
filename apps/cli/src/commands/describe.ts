import type { InventoryItemView } from "@meridian/core";
import type { Command } from "commander";
import { formatAge } from "../clusters/format.js";
import { parseObjectArgs, pickNamespace } from "../clusters/kind-ref.js";
import { useColor, writeSection } from "../clusters/sections.js";
import { selectCluster } from "../clusters/select-cluster.js";
import type { CliEnv } from "../config.js";
import { type Column, renderDetails } from "../output.js";
import { type Runtime, withRuntime } from "../runtime.js";

export function registerDescribeCommand(program: Command, env: CliEnv): void {
  program
    .command("describe <kind> [name]")
    .description("One object, live from its cluster: fields, labels, status, related objects and events")
    .option("-n, --namespace <ns>", 'namespace or Swarm stack (Kubernetes default: "default")')
    .option("--cluster <cluster>", "cluster slug (default: the organization's only cluster)")
    .addHelpText("after", "\nExamples:\n  meridian describe deploy web -n shop\n  meridian describe pod/web-6d4f9-abcde -n shop --cluster prod")
    .action(withRuntime(env, describeObject));
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const pairs = (v: unknown) => Object.entries(asObj(v)).map(([k, val]) => `${k}=${String(val)}`);

/** The header of a Kubernetes object (metadata) or a Docker Swarm one (ID, Spec, CreatedAt). */
export function describeHeader(object: Obj, kind: string, cluster: string): { field: string; value: unknown; kind?: "time" }[] {
  const meta = asObj(object.metadata);
  const spec = asObj(object.spec ?? object.Spec);
  const annotations = pairs(meta.annotations).map((a) => (a.length > 80 ? `${a.slice(0, 79)}…` : a));
  const apiVersion = typeof object.apiVersion === "string" ? ` (${object.apiVersion})` : "";
  // a workload's containers are in its pod template, a pod's in its own spec
  const podSpec = asObj(spec.template).spec ? asObj(asObj(spec.template).spec) : spec;
  const containers = Array.isArray(podSpec.containers) ? (podSpec.containers as Obj[]) : [];
  const swarmImage = asObj(asObj(spec.TaskTemplate).ContainerSpec).Image;
  return [
    { field: "Name", value: meta.name ?? spec.Name ?? asObj(object.Description).Hostname },
    { field: "Namespace", value: meta.namespace },
    { field: "Kind", value: typeof object.kind === "string" ? `${object.kind}${apiVersion}` : kind },
    { field: "Cluster", value: cluster },
    { field: "ID", value: object.ID },
    { field: "Created", value: meta.creationTimestamp ?? object.CreatedAt, kind: "time" as const },
    { field: "Labels", value: pairs(meta.labels ?? spec.Labels) },
    { field: "Annotations", value: annotations },
    { field: "Replicas", value: spec.replicas ?? asObj(asObj(spec.Mode).Replicated).Replicas },
    { field: "Containers", value: containers.map((c) => `${String(c.name)} (${String(c.image)})`) },
    { field: "Image", value: swarmImage },
    { field: "Node", value: spec.nodeName },
  ].filter((f) => f.field === "Name" || f.field === "Cluster" || !(f.value === undefined || f.value === null || (Array.isArray(f.value) && f.value.length === 0)));
}

/** Scalar status fields as "key: value" lines; conditions go to their own table. */
export function statusFields(object: Obj): { field: string; value: unknown }[] {
  // Kubernetes: status; Swarm: a task's Status, a service's ServiceStatus (task counts) and UpdateStatus
  const status = { ...asObj(object.ServiceStatus), ...asObj(object.UpdateStatus), ...asObj(object.Status), ...asObj(object.status) };
  return Object.entries(status)
    .filter(([k, v]) => k !== "conditions" && (v === null || typeof v !== "object"))
    .map(([k, v]) => ({ field: k, value: v }));
}

const relatedColumns: Column<InventoryItemView>[] = [
  { header: "Kind", value: (i) => i.kind },
  { header: "Name", value: (i) => i.name, max: 63 },
  { header: "Status", value: (i) => i.status },
  { header: "Age", value: (i) => formatAge(i.createdAt) },
];

const eventColumns: Column<InventoryItemView>[] = [
  { header: "Type", value: (e) => e.summary.type },
  { header: "Reason", value: (e) => e.summary.reason },
  { header: "Age", value: (e) => formatAge(e.summary.lastSeen ?? e.createdAt) },
  { header: "Count", value: (e) => e.summary.count },
  { header: "Message", value: (e) => e.summary.message, max: 120 },
];

async function describeObject(rt: Runtime, args: string[], opts: { namespace?: string; cluster?: string }): Promise<void> {
  const { kind, name } = parseObjectArgs(args.filter(Boolean), "KIND NAME or KIND/NAME");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, opts.cluster);
  const namespace = pickNamespace(kind, opts.namespace);
  const detail = await client.call("getResource", {
    params: { orgId, clusterId: cluster.id },
    query: { kind: kind.kind, name, ...(namespace ? { namespace } : {}) },
  });
  if (rt.printer.format !== "table") return rt.printer.item(detail, []);
  const color = useColor(rt);
  const header = describeHeader(detail.object, kind.kind, cluster.slug).map((f) => ({ header: f.field, value: () => f.value, ...(f.kind ? { kind: f.kind } : {}) }));
  process.stdout.write(renderDetails(null, header, { color }));
  const status = statusFields(detail.object);
  if (status.length > 0) {
    process.stdout.write(color ? "\x1b[1mStatus:\x1b[0m\n" : "Status:\n");
    process.stdout.write(renderDetails(null, status.map((f) => ({ header: `  ${f.field}`, value: () => f.value })), { color: false }));
  }
  const conditions = asObj(detail.object.status).conditions;
  if (Array.isArray(conditions) && conditions.length > 0) {
    writeSection(rt, "Conditions", conditions as Obj[], [
      { header: "Type", value: (c) => c.type },
      { header: "Status", value: (c) => c.status },
      { header: "Reason", value: (c) => c.reason },
      { header: "Message", value: (c) => c.message, max: 100 },
    ]);
  }
  writeSection(rt, "Related", detail.related, relatedColumns);
  writeSection(rt, "Events", detail.events, eventColumns);
}
