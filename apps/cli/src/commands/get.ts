import type { InventoryItemView } from "@meridian/core";
import type { Command } from "commander";
import { inventoryColumns, type InventoryFilter, queryInventoryPages } from "../clusters/inventory.js";
import { describeKind, type KindRef, resolveKindArg } from "../clusters/kind-ref.js";
import { listAllClusters } from "../clusters/select-cluster.js";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import { parseLimit, splitList } from "../paging.js";
import { type Runtime, withRuntime } from "../runtime.js";
import { watchInventory } from "./get-watch.js";

export interface GetOptions {
  namespace?: string;
  cluster?: string;
  selector?: string;
  allNamespaces?: boolean;
  status?: string;
  sort?: string;
  limit?: string;
  watch?: boolean;
}

export function registerGetCommand(program: Command, env: CliEnv): void {
  program
    .command("get <kind> [name]")
    .description("List objects of a kind across the organization's clusters (from the live inventory)")
    .option("-n, --namespace <ns>", "namespace(s) or Swarm stack(s), comma-separated")
    .option("-A, --all-namespaces", "every namespace")
    .option("--cluster <clusters>", "cluster slug(s), comma-separated (default: all clusters)")
    .option("-l, --selector <selector>", "label selector: a=b, a!=b, a in (x,y), a, !a")
    .option("--status <statuses>", "only these statuses, comma-separated (Running, Pending ...)")
    .option("--sort <field>", "name, namespace, cluster, status, createdAt, health; '-' prefix for descending")
    .option("--limit <n>", "show at most n")
    .option("-w, --watch", "after the list, print objects as they change (Ctrl+C stops)")
    .addHelpText(
      "after",
      `
KIND is a kind, plural or alias (pods, po, deploy, nodes, svc, swarmservices ...); other names are passed
through as custom resources (widgets.example.com). Like kubectl, namespaced Kubernetes kinds list the
"default" namespace unless -n or -A is given; Swarm kinds list every stack unless -n is given.
With NAME, the one object; -o yaml or -o json then print the whole object, live from the cluster.

Examples:
  meridian get pods -A
  meridian get deploy -n shop -l app=web
  meridian get nodes --cluster prod -o json
  meridian get pods -n shop -w`,
    )
    .action(withRuntime(env, getObjects));
}

/** The query for the flags; without -n/-A, namespaced Kubernetes kinds look in "default". */
export function buildInventoryFilter(ref: KindRef, opts: GetOptions, name?: string): { filter: InventoryFilter; namespaces: string[] } {
  if (opts.allNamespaces && opts.namespace) throw new UsageError("give -n or -A, not both");
  let namespaces = splitList(opts.namespace);
  if (ref.info && !ref.info.namespaced) namespaces = [];
  else if (namespaces.length === 0 && !opts.allNamespaces && ref.info?.runtime === "kubernetes") namespaces = ["default"];
  const filter: InventoryFilter = {
    kind: ref.kind,
    ...(ref.group ? { group: ref.group } : {}),
    ...(opts.cluster ? { cluster: splitList(opts.cluster).join(",") } : {}),
    ...(namespaces.length > 0 ? { namespace: namespaces.join(",") } : {}),
    ...(opts.selector ? { selector: opts.selector } : {}),
    ...(opts.status ? { status: splitList(opts.status).join(",") } : {}),
    ...(name ? { q: name } : {}),
  };
  return { filter, namespaces };
}

function whereText(ref: KindRef, namespaces: string[]): string {
  if (namespaces.length === 1) return ` in namespace ${namespaces[0]}`;
  if (namespaces.length > 1) return ` in namespaces ${namespaces.join(", ")}`;
  return "";
}

async function getObjects(rt: Runtime, [kindArg, name]: string[], opts: GetOptions): Promise<void> {
  const kinds = splitList(kindArg).map(resolveKindArg);
  if (kinds.length === 0) throw new UsageError("expected KIND");
  if (kinds.length > 1 && (name || opts.watch)) throw new UsageError("several kinds (a,b) only list: leave out NAME and --watch");
  if (opts.watch && name) throw new UsageError("--watch lists a kind; leave out NAME and filter with -l or -n");
  const limit = parseLimit(opts.limit);
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const clusters = await listAllClusters(client, orgId);
  const listed: InventoryItemView[] = [];
  let printedTable = false;
  for (const ref of kinds) {
    const { filter, namespaces } = buildInventoryFilter(ref, opts, name);
    const result = await queryInventoryPages(client, orgId, filter, opts.sort, name ? undefined : limit);
    for (const c of result.incomplete) rt.printer.note(`note: cluster ${c.clusterSlug}: the inventory of ${describeKind(ref)} is ${c.phase}${c.message ? ` (${c.message})` : ""}; results may be incomplete`);
    if (name) return printOne(rt, ref, name, result.items.filter((i) => i.name === name), namespaces);
    const items = result.items;
    // json/yaml of several kinds is one list; tables are one per kind, as kubectl prints them
    if (rt.printer.format !== "table") {
      listed.push(...items);
      continue;
    }
    // the clusters that can hold this kind: a Swarm has no pods, so Kubernetes kinds count Kubernetes clusters
    const runtime = ref.info?.runtime ?? "kubernetes";
    const involved = opts.cluster ? splitList(opts.cluster).length : clusters.filter((c) => c.runtime === runtime).length;
    const show = {
      cluster: involved > 1 || new Set(items.map((i) => i.clusterSlug)).size > 1,
      // Swarm services outside a stack (and cluster-scoped custom objects) have no namespace to show
      namespace: namespaces.length !== 1 && (ref.info?.namespaced ?? true) && (opts.watch === true || items.some((i) => i.namespace !== null)),
    };
    const columns = inventoryColumns(ref.info, show);
    if (opts.watch) return watchInventory(rt, orgId, filter, items, columns, async () => (await queryInventoryPages(client, orgId, filter, opts.sort, limit)).items);
    if (printedTable && items.length > 0) process.stdout.write("\n");
    printedTable ||= items.length > 0;
    rt.printer.list(items, columns, `No ${describeKind(ref)} found${whereText(ref, namespaces)}.`);
  }
  if (rt.printer.format !== "table") rt.printer.list(listed, []);
}

async function printOne(rt: Runtime, ref: KindRef, name: string, items: InventoryItemView[], namespaces: string[]): Promise<void> {
  if (items.length === 0) throw new CliError(`${describeKind(ref)} "${name}" not found${whereText(ref, namespaces)}`);
  const clusters = [...new Set(items.map((i) => i.clusterSlug))];
  if (rt.printer.format === "table") {
    const show = { cluster: clusters.length > 1, namespace: new Set(items.map((i) => i.namespace)).size > 1 };
    return rt.printer.list(items, inventoryColumns(ref.info, show));
  }
  if (items.length > 1) {
    const where = items.map((i) => `${i.clusterSlug}${i.namespace ? `/${i.namespace}` : ""}`).join(", ");
    throw new CliError(`${describeKind(ref)} "${name}" matches several objects (${where}): narrow it with --cluster or -n`);
  }
  const item = items[0] as InventoryItemView;
  const detail = await rt.getClient().call("getResource", {
    params: { orgId: rt.getOrg(), clusterId: item.clusterId },
    query: { kind: item.kind, name: item.name, ...(item.namespace ? { namespace: item.namespace } : {}) },
  });
  if (rt.printer.format === "yaml") process.stdout.write(detail.yaml.endsWith("\n") ? detail.yaml : `${detail.yaml}\n`);
  else rt.printer.item(detail.object, []);
}
