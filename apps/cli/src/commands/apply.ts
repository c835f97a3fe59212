import { readFileSync } from "node:fs";
import type { RouteResponse, Routes } from "@meridian/core";
import type { Command } from "commander";
import { parseAllDocuments } from "yaml";
import { applyAppDocuments, splitAppDocuments } from "../apps/apply-apps.js";
import { formatObjectName } from "../clusters/format.js";
import { useColor } from "../clusters/sections.js";
import { selectCluster } from "../clusters/select-cluster.js";
import type { CliEnv } from "../config.js";
import { CliError } from "../errors.js";
import { readAllStdin } from "../prompt.js";
import { type Runtime, withRuntime } from "../runtime.js";

interface ApplyOptions {
  filename: string;
  cluster?: string;
  namespace?: string;
  dryRun?: boolean;
  diff?: boolean;
}

export function registerApplyCommand(program: Command, env: CliEnv): void {
  program
    .command("apply")
    .description("Apply YAML: Meridian apps (kind App) to their project, Kubernetes objects or Swarm service specs to a cluster")
    .requiredOption("-f, --filename <file>", "YAML file, or - for stdin")
    .option("--cluster <cluster>", "cluster slug for cluster objects (default: the organization's only cluster)")
    .option("-n, --namespace <ns>", "namespace for objects that name none")
    .option("--dry-run", "change nothing; print what would change, with diffs")
    .option("--diff", "print each object's diff as it is applied")
    .addHelpText(
      "after",
      `
Documents with apiVersion meridian.dev/v1 and kind App create or replace the app named by metadata.name in the
project of metadata.project (nothing is deployed: see \`meridian deploy\`); a file of only apps needs no cluster.
Every other document goes to the cluster.

Examples:
  meridian apply -f web-app.yaml
  meridian apply -f web.yaml --cluster prod --dry-run
  kustomize build . | meridian apply -f - -n shop --diff`,
    )
    .action(withRuntime(env, applyFile));
}

/** API group of each object by kind and name, from the YAML's apiVersion, for `deployment.apps/web` lines. */
export function readGroups(yaml: string): Map<string, string> {
  const groups = new Map<string, string>();
  try {
    for (const doc of parseAllDocuments(yaml)) {
      const js = doc.toJS() as unknown;
      // JSON exports of several apps are one array
      for (const item of Array.isArray(js) ? js : [js]) {
        const o = item as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
        if (!o || typeof o.apiVersion !== "string" || typeof o.kind !== "string") continue;
        const slash = o.apiVersion.indexOf("/");
        groups.set(`${o.kind}/${String(o.metadata?.name)}`, slash > 0 ? o.apiVersion.slice(0, slash) : "");
      }
    }
  } catch {
    // the server reports what is wrong with the YAML
  }
  return groups;
}

/** Unified diff with + lines green, - lines red and hunk headers cyan. */
export function colorDiff(diff: string, color: boolean): string {
  if (!color) return diff;
  return diff
    .split("\n")
    .map((l) => {
      if (l.startsWith("+++") || l.startsWith("---")) return `\x1b[1m${l}\x1b[0m`;
      if (l.startsWith("+")) return `\x1b[32m${l}\x1b[0m`;
      if (l.startsWith("-")) return `\x1b[31m${l}\x1b[0m`;
      if (l.startsWith("@@")) return `\x1b[36m${l}\x1b[0m`;
      return l;
    })
    .join("\n");
}

function readYaml(file: string): Promise<string> | string {
  if (file === "-") return readAllStdin();
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
}

async function applyFile(rt: Runtime, _args: string[], opts: ApplyOptions): Promise<void> {
  const source = opts.filename === "-" ? "stdin" : opts.filename;
  const yaml = await readYaml(opts.filename);
  if (yaml.trim() === "") throw new CliError(`${source} is empty`);
  const { apps, rest } = splitAppDocuments(yaml, source);
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const dryRun = opts.dryRun === true;
  // Pick the cluster before changing anything, so a missing --cluster fails the whole file, not half of it.
  const cluster = rest === null ? null : await selectCluster(client, orgId, opts.cluster);
  const appResults = await applyAppDocuments(client, orgId, apps, dryRun);
  const clusterResult = cluster
    ? await client.call("applyResources", {
        params: { orgId, clusterId: cluster.id },
        body: { yaml: rest as string, dryRun, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      })
    : { results: [], dryRun };
  if (apps.length === 0) return printApplyResults(rt, yaml, clusterResult, opts.diff === true || dryRun);
  const results = [...appResults.map((r) => ({ ...r, kind: "App" })), ...clusterResult.results];
  printApplyResults(rt, yaml, { results, dryRun }, opts.diff === true || dryRun);
}

/** `deployment.apps/web configured` per object, with its diff when asked (or on a dry run). */
export function printApplyResults(rt: Runtime, yaml: string, result: RouteResponse<Routes["applyResources"]>, showDiff: boolean): void {
  if (rt.printer.format !== "table") return rt.printer.item(result, []);
  const groups = readGroups(yaml);
  const color = useColor(rt);
  for (const r of result.results) {
    // Apps are named by project, as `meridian apps list` shows them: `app shop/web configured`.
    const name = r.kind === "App" && r.namespace && groups.get(`App/${r.name}`) === "meridian.dev" ? `app ${r.namespace}/${r.name}` : formatObjectName(r.kind, r.name, groups.get(`${r.kind}/${r.name}`));
    process.stdout.write(`${name} ${r.action}${result.dryRun ? " (dry run)" : ""}\n`);
    if (showDiff && r.diff.trim() !== "") process.stdout.write(`${colorDiff(r.diff.replace(/\n?$/, "\n"), color)}`);
  }
}
