import type { Command } from "commander";
import { type KindRef, pickNamespace, resolveKindArg } from "../clusters/kind-ref.js";
import { selectCluster } from "../clusters/select-cluster.js";
import { readBodyLines } from "../clusters/streams.js";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import { parsePositiveInt } from "../paging.js";
import { type Runtime, withRuntime } from "../runtime.js";
import { showAppLogs } from "./apps.js";

interface LogsOptions {
  namespace?: string;
  cluster?: string;
  container?: string;
  follow?: boolean;
  tail?: string;
  since?: string;
  previous?: boolean;
  grep?: string;
  project?: string;
  env?: string;
  slot?: string;
}

export function registerLogsCommand(program: Command, env: CliEnv): void {
  program
    .command("logs <target> [name]")
    .description("Logs of a pod or task, or merged over a workload's replicas")
    .option("-n, --namespace <ns>", 'namespace or Swarm stack (Kubernetes default: "default")')
    .option("--cluster <cluster>", "cluster slug (default: the organization's only cluster)")
    .option("-c, --container <name>", "container of a multi-container pod")
    .option("-f, --follow", "keep streaming new lines (Ctrl+C stops)")
    .option("--tail <n>", "only the last n lines (per source)")
    .option("--since <age>", "only lines newer than this: 30s, 10m, 2h, 1d")
    .option("--previous", "the previous, terminated container")
    .option("--grep <text>", "only lines containing this text (case-insensitive)")
    .option("-p, --project <project>", "app logs: the app's project (with app/NAME, or a bare NAME)")
    .option("-e, --env <env>", "app logs: the environment")
    .option("--slot <slot>", "app logs: blue or green only")
    .addHelpText(
      "after",
      `
TARGET is KIND/NAME (deploy/web, swarmservice/api) or a NAME: a pod on Kubernetes, a service on Swarm.
Lines are prefixed with [source] when they come from several pods, containers or tasks.
app/NAME, or any NAME with --project, is a Meridian app: its logs in --env (same as \`meridian apps logs\`).

Examples:
  meridian logs deploy/web -n shop --tail 100 -f
  meridian logs web-6d4f9-abcde -n shop -c sidecar --since 10m
  meridian logs swarmservice/api --cluster swarm1 --grep error
  meridian logs app/web --project shop --env prod -f`,
    )
    .action(withRuntime(env, showLogs));
}

/** "10m" -> 600: seconds from an age like 30s, 10m, 2h, 1d. */
export function parseSince(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)(s|m|h|d)?$/.exec(value.trim());
  const seconds = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? "s") as "s" | "m" | "h" | "d"] : 0;
  if (seconds < 1) throw new UsageError(`--since must be a duration like 30s, 10m, 2h or 1d (got "${value}")`);
  return seconds;
}

/** KIND/NAME, KIND NAME, or a bare NAME meaning the runtime's unit of logs. */
function parseTarget(target: string, name: string | undefined, runtime: "kubernetes" | "swarm"): { kind: KindRef; name: string } {
  if (name !== undefined) return { kind: resolveKindArg(target), name };
  const slash = target.indexOf("/");
  if (slash > 0) return { kind: resolveKindArg(target.slice(0, slash)), name: target.slice(slash + 1) };
  return { kind: resolveKindArg(runtime === "swarm" ? "SwarmService" : "Pod"), name: target };
}

// Kinds whose logs are one pod or task; the others merge several replicas.
const singleSourceKinds = new Set(["Pod", "SwarmTask"]);

/**
 * Prints each {source,time,line} as it arrives. The [source] prefix is shown for workloads (several
 * replicas) and, for a pod, from the moment a second container shows up.
 */
export function createLogPrinter(kind: string, write: (s: string) => void) {
  const sources = new Set<string>();
  let prefix = !singleSourceKinds.has(kind);
  return (raw: string) => {
    if (raw.trim() === "") return;
    let entry: { source?: unknown; line?: unknown; error?: unknown };
    try {
      entry = JSON.parse(raw) as typeof entry;
    } catch {
      return write(`${raw}\n`);
    }
    if (entry.error !== undefined) {
      const e = entry.error as { message?: unknown } | string;
      throw new CliError(`the log stream failed: ${typeof e === "string" ? e : String(e.message ?? JSON.stringify(e))}`);
    }
    const source = String(entry.source ?? "");
    sources.add(source);
    if (sources.size > 1) prefix = true;
    write(`${prefix && source ? `[${source}] ` : ""}${String(entry.line ?? "")}\n`);
  };
}

async function showLogs(rt: Runtime, [target, maybeName]: string[], opts: LogsOptions): Promise<void> {
  const appTarget = target?.startsWith("app/") ? target.slice(4) : target === "app" && maybeName ? maybeName : opts.project ? target : undefined;
  if (appTarget !== undefined) {
    const clusterOnly = [opts.namespace && "-n", opts.cluster && "--cluster", opts.container && "-c", opts.previous && "--previous", opts.grep && "--grep"].filter(Boolean);
    if (clusterOnly.length > 0) throw new UsageError(`${clusterOnly.join(", ")} ${clusterOnly.length > 1 ? "are" : "is"} for cluster workloads, not apps`);
    return showAppLogs(rt, appTarget, opts);
  }
  if (opts.env || opts.slot) throw new UsageError("--env and --slot are for app logs: give app/NAME and --project");
  const tail = parsePositiveInt("--tail", opts.tail);
  const since = parseSince(opts.since);
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, opts.cluster);
  const { kind, name } = parseTarget(target as string, maybeName, cluster.runtime);
  if (kind.info && !kind.info.hasLogs) throw new UsageError(`${kind.info.plural} have no logs; try a pod, a workload or a Swarm service/task`);
  const namespace = pickNamespace(kind, opts.namespace);
  const res = await client.raw("streamLogs", {
    params: { orgId, clusterId: cluster.id },
    query: {
      kind: kind.kind,
      name,
      ...(namespace ? { namespace } : {}),
      ...(opts.container ? { container: opts.container } : {}),
      follow: opts.follow ? "true" : "false",
      previous: opts.previous ? "true" : "false",
      ...(tail !== undefined ? { tail } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(opts.grep ? { q: opts.grep } : {}),
    },
  });
  await readBodyLines(res, createLogPrinter(kind.kind, (s) => process.stdout.write(s)));
}
