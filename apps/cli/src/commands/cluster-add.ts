import { readFileSync } from "node:fs";
import type { MeridianClient } from "@meridian/client";
import { AppError, type Cluster, type ClusterConnectionInput } from "@meridian/core";
import { type Command, Option } from "commander";
import { chooseContext, inlineKubeconfigFiles } from "../clusters/kubeconfig.js";
import { formatBytes, formatMillicores } from "../clusters/format.js";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import { createSpinner } from "../output.js";
import { appendValue, splitList } from "../paging.js";
import { type Runtime, withRuntime } from "../runtime.js";

interface AddOptions {
  kubeconfig?: string;
  kubeContext?: string;
  apiServer?: string;
  apiToken?: string;
  tokenFile?: string;
  clientCert?: string;
  clientKey?: string;
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
  dockerHost?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  sshKey?: string;
  sshKnownHosts?: string;
  insecureSkipHostKeyCheck?: boolean;
  caddyAdminUrl?: string;
  caddyUpstreamHost?: string;
  displayName?: string;
  description?: string;
  label?: string[];
  verify: boolean;
}

/**
 * `--server`, `--token` and `--context` are also global flags, and commander lets the program take its
 * flags anywhere on the line. After `clusters add` they describe the cluster, so they are renamed before
 * parsing; flags before the subcommand stay global (`meridian --server M clusters add x --server K`).
 */
const addFlagRenames: Record<string, string> = { "--server": "--api-server", "--token": "--api-token", "--context": "--kube-context" };
const globalFlagsWithValue = new Set(["-s", "--server", "--token", "--org", "-o", "--output", "--context"]);

export function renameClusterAddFlags(argv: string[]): string[] {
  let i = 2;
  while (i < argv.length && (argv[i] as string).startsWith("-")) i += globalFlagsWithValue.has(argv[i] as string) ? 2 : 1;
  if (!["clusters", "cluster"].includes(argv[i] ?? "") || argv[i + 1] !== "add") return argv;
  const out = argv.slice(0, i + 2);
  for (let j = i + 2; j < argv.length; j++) {
    const arg = argv[j] as string;
    if (arg === "--") {
      out.push(...argv.slice(j));
      break;
    }
    const [flag, ...value] = arg.split("=");
    const renamed = addFlagRenames[flag as string];
    out.push(renamed ? [renamed, ...value].join("=") : arg);
  }
  return out;
}

export function registerClusterAddCommand(clusters: Command, env: CliEnv): void {
  const hidden = (flags: string, description: string) => new Option(flags, description).hideHelp();
  clusters
    .command("add <name>")
    .description("Connect a Kubernetes cluster (kubeconfig or API server) or a Docker Swarm")
    .option("--kubeconfig <file>", "kubeconfig file; referenced certificate/key files are inlined")
    .option("--context <name>", "kubeconfig context (default: its current-context)")
    .option("--server <url>", "Kubernetes API server URL, https://host:port (instead of a kubeconfig)")
    .option("--token <token>", "bearer token for --server")
    .option("--token-file <file>", "file holding the bearer token")
    .option("--client-cert <file>", "client certificate (PEM) for --server")
    .option("--client-key <file>", "client key (PEM) for --client-cert")
    .option("--ca-file <file>", "CA bundle (PEM) of the API server")
    .option("--insecure-skip-tls-verify", "do not verify the API server's certificate")
    .option("--docker-host <url>", "Docker Swarm manager: unix:///path, tcp://host:port or ssh://user@host")
    .option("--tls-ca <file>", "CA (PEM) of a tcp:// Docker host")
    .option("--tls-cert <file>", "client certificate (PEM) for a tcp:// Docker host")
    .option("--tls-key <file>", "client key (PEM) for --tls-cert")
    .option("--ssh-key <file>", "private key for an ssh:// Docker host")
    .option("--ssh-known-hosts <file>", "known_hosts lines for the ssh:// host")
    .option("--insecure-skip-host-key-check", "accept any SSH host key")
    .option("--caddy-admin-url <url>", "Swarm: admin API of the Caddy that routes apps' traffic (e.g. http://127.0.0.1:2019)")
    .option("--caddy-upstream-host <host>", "Swarm: address Caddy reaches published task ports at (default: each task's node)")
    .option("--display-name <name>", "display name (default: the name)")
    .option("--description <text>", "description")
    .option("--label <key=value>", "label, repeatable", appendValue)
    .option("--no-verify", "save without connecting first (the cluster shows as down until it answers)")
    .addOption(hidden("--api-server <url>", "--server after `clusters add`"))
    .addOption(hidden("--api-token <token>", "--token after `clusters add`"))
    .addOption(hidden("--kube-context <name>", "--context after `clusters add`"))
    .addHelpText(
      "after",
      `
NAME is the cluster's slug (lower-case letters, digits, dashes); commands take it as --cluster NAME.
After saving, the command waits up to 20 s for the first inventory and prints the cluster's state.

Examples:
  meridian clusters add prod --kubeconfig ~/.kube/config --context prod-admin --label env=prod
  meridian clusters add ci --server https://10.0.0.1:6443 --token-file sa.token --ca-file ca.crt
  meridian clusters add swarm1 --docker-host ssh://deploy@swarm1 --ssh-key ~/.ssh/id_ed25519 --ssh-known-hosts ~/.ssh/known_hosts`,
    )
    .action(withRuntime(env, addCluster));
}

function readLocalFile(flag: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${flag} ${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
}

function parseLabels(values: string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const labels: Record<string, string> = {};
  for (const pair of splitList(values)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--label must be key=value (got "${pair}")`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** Flags of one connection mode must not be mixed with another's. */
function checkModeFlags(opts: AddOptions): "kubeconfig" | "server" | "docker" {
  const modes = [
    { mode: "kubeconfig", set: opts.kubeconfig !== undefined, flags: { kubeContext: "--context" } },
    { mode: "server", set: opts.apiServer !== undefined, flags: { apiToken: "--token", tokenFile: "--token-file", clientCert: "--client-cert", clientKey: "--client-key", caFile: "--ca-file", insecureSkipTlsVerify: "--insecure-skip-tls-verify" } },
    { mode: "docker", set: opts.dockerHost !== undefined, flags: { tlsCa: "--tls-ca", tlsCert: "--tls-cert", tlsKey: "--tls-key", sshKey: "--ssh-key", sshKnownHosts: "--ssh-known-hosts", insecureSkipHostKeyCheck: "--insecure-skip-host-key-check", caddyAdminUrl: "--caddy-admin-url", caddyUpstreamHost: "--caddy-upstream-host" } },
  ] as const;
  const chosen = modes.filter((m) => m.set);
  if (chosen.length !== 1) throw new UsageError("give exactly one of --kubeconfig FILE, --server URL or --docker-host URL");
  const mode = (chosen[0] as (typeof modes)[number]).mode;
  const main = { kubeconfig: "--kubeconfig", server: "--server", docker: "--docker-host" };
  for (const m of modes) {
    if (m.mode === mode) continue;
    for (const [key, flag] of Object.entries(m.flags)) {
      if (opts[key as keyof AddOptions] !== undefined) throw new UsageError(`${flag} goes with ${main[m.mode]}, not ${main[mode]}`);
    }
  }
  return mode;
}

async function buildKubeconfigConnection(client: MeridianClient, orgId: string, opts: AddOptions) {
  const file = opts.kubeconfig as string;
  const { text: kubeconfig, unreadable } = inlineKubeconfigFiles(readLocalFile("--kubeconfig", file), file);
  let inspected: Awaited<ReturnType<typeof client.call<"inspectKubeconfig">>>;
  try {
    inspected = await client.call("inspectKubeconfig", { params: { orgId }, body: { kubeconfig } });
  } catch (err) {
    if (err instanceof AppError && err.code === "invalid_input") throw new CliError(`${file} is not a usable kubeconfig: ${err.message}`);
    throw err;
  }
  const ctx = chooseContext(inspected, opts.kubeContext, file, unreadable);
  const connection: ClusterConnectionInput = { kind: "kubernetes", kubeconfig, context: ctx.name };
  return { connection, endpoint: ctx.server ?? `context ${ctx.name}` };
}

function buildServerConnection(opts: AddOptions) {
  const server = opts.apiServer as string;
  if (opts.apiToken !== undefined && opts.tokenFile !== undefined) throw new UsageError("give --token or --token-file, not both");
  if ((opts.clientCert === undefined) !== (opts.clientKey === undefined)) throw new UsageError("--client-cert and --client-key go together");
  const token = opts.apiToken ?? (opts.tokenFile ? readLocalFile("--token-file", opts.tokenFile).trim() : undefined);
  if (token === undefined && opts.clientCert === undefined) throw new UsageError("--server needs --token, --token-file, or --client-cert with --client-key");
  const connection: ClusterConnectionInput = {
    kind: "kubernetes",
    server,
    ...(token !== undefined ? { token } : {}),
    ...(opts.clientCert ? { clientCertData: readLocalFile("--client-cert", opts.clientCert) } : {}),
    ...(opts.clientKey ? { clientKeyData: readLocalFile("--client-key", opts.clientKey) } : {}),
    ...(opts.caFile ? { caData: readLocalFile("--ca-file", opts.caFile) } : {}),
    ...(opts.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
  };
  return { connection, endpoint: server };
}

function buildDockerConnection(opts: AddOptions) {
  const host = opts.dockerHost as string;
  const tls = [opts.tlsCa, opts.tlsCert, opts.tlsKey];
  if (tls.some((f) => f !== undefined) && !tls.every((f) => f !== undefined)) throw new UsageError("--tls-ca, --tls-cert and --tls-key go together");
  if (opts.tlsCa && !host.startsWith("tcp://")) throw new UsageError("--tls-* flags are for tcp:// Docker hosts");
  if ((opts.sshKey || opts.sshKnownHosts || opts.insecureSkipHostKeyCheck) && !host.startsWith("ssh://")) throw new UsageError("--ssh-* flags are for ssh:// Docker hosts");
  if (opts.caddyUpstreamHost && !opts.caddyAdminUrl) throw new UsageError("--caddy-upstream-host goes with --caddy-admin-url");
  if (opts.caddyAdminUrl && !/^https?:\/\/\S+$/.test(opts.caddyAdminUrl)) throw new UsageError(`--caddy-admin-url must be an http(s) URL (got "${opts.caddyAdminUrl}")`);
  if (host.startsWith("ssh://") && !opts.sshKnownHosts && !opts.insecureSkipHostKeyCheck) {
    throw new UsageError("an ssh:// Docker host needs --ssh-known-hosts FILE (or --insecure-skip-host-key-check)");
  }
  const connection: ClusterConnectionInput = {
    kind: "swarm",
    host,
    ...(opts.tlsCa ? { tls: { caData: readLocalFile("--tls-ca", opts.tlsCa), certData: readLocalFile("--tls-cert", opts.tlsCert as string), keyData: readLocalFile("--tls-key", opts.tlsKey as string) } } : {}),
    ...(opts.sshKey ? { sshPrivateKey: readLocalFile("--ssh-key", opts.sshKey) } : {}),
    ...(opts.sshKnownHosts ? { sshKnownHosts: readLocalFile("--ssh-known-hosts", opts.sshKnownHosts) } : {}),
    ...(opts.insecureSkipHostKeyCheck ? { insecureSkipHostKeyCheck: true } : {}),
    ...(opts.caddyAdminUrl ? { router: { caddyAdminUrl: opts.caddyAdminUrl, ...(opts.caddyUpstreamHost ? { upstreamHost: opts.caddyUpstreamHost } : {}) } } : {}),
  };
  return { connection, endpoint: host };
}

export const inventoryCount = (c: Cluster) => c.inventory.reduce((n, k) => n + k.count, 0);

const WAIT_MS = 20_000;
const POLL_MS = 500;

/** Polls until the cluster has left "connecting" and its first inventory listing is done, or 20 s pass. */
async function waitForCluster(client: MeridianClient, orgId: string, first: Cluster, onProgress: (c: Cluster) => void): Promise<Cluster> {
  const settled = (c: Cluster) => c.state === "down" || (c.state !== "connecting" && c.inventory.length > 0 && c.inventory.every((k) => k.phase !== "listing"));
  const deadline = Date.now() + WAIT_MS;
  let cluster = first;
  while (!settled(cluster) && Date.now() < deadline) {
    onProgress(cluster);
    await new Promise((r) => setTimeout(r, POLL_MS));
    cluster = await client.call("getCluster", { params: { orgId, clusterId: first.id } });
  }
  return cluster;
}

async function addCluster(rt: Runtime, [slug]: string[], opts: AddOptions): Promise<void> {
  // `--server`, `--token`, `--context` reach here renamed; the visible options only document them
  const all = opts as AddOptions & { server?: string; token?: string; context?: string };
  opts.apiServer ??= all.server;
  opts.apiToken ??= all.token;
  opts.kubeContext ??= all.context;
  const mode = checkModeFlags(opts);
  const labels = parseLabels(opts.label);
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const { connection, endpoint } =
    mode === "kubeconfig" ? await buildKubeconfigConnection(client, orgId, opts) : mode === "server" ? buildServerConnection(opts) : buildDockerConnection(opts);

  const spinner = createSpinner(process.stderr, rt.stderrIsTTY, `connecting to ${endpoint}…`);
  let cluster: Cluster;
  try {
    cluster = await client.call("createCluster", {
      params: { orgId },
      body: {
        slug: slug as string,
        ...(opts.displayName ? { name: opts.displayName } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(labels ? { labels } : {}),
        connection,
        verify: opts.verify,
      },
    });
    cluster = await waitForCluster(client, orgId, cluster, (c) => spinner.update(`connecting to ${endpoint}: ${c.state}, inventory: ${inventoryCount(c)} objects`));
  } finally {
    spinner.stop();
  }
  if (rt.printer.format !== "table") return rt.printer.item(cluster, []);
  for (const line of describeAddedCluster(cluster)) process.stdout.write(`${line}\n`);
}

export function describeAddedCluster(c: Cluster): string[] {
  const s = c.summary;
  const lines = [
    `Cluster ${c.slug} added: ${c.runtime}${c.version ? ` ${c.version}` : ""} at ${c.endpoint}${c.context ? ` (context ${c.context})` : ""}, auth ${c.authMethod}.`,
    `State: ${c.state}; nodes ${s.readyNodes}/${s.nodes} ready, ${s.pods} pods, CPU ${formatMillicores(s.cpuRequests)}/${formatMillicores(s.cpuCapacity)}, memory ${formatBytes(s.memoryRequests)}/${formatBytes(s.memoryCapacity)} requested; inventory: ${inventoryCount(c)} objects.`,
  ];
  for (const cond of c.conditions) if (cond.status !== "True") lines.push(`  ${cond.type}=${cond.status} (${cond.reason}): ${cond.message}`);
  for (const k of c.inventory) if (k.phase === "error") lines.push(`  inventory of ${k.kind}: ${k.message ?? "error"}`);
  if (c.state === "connecting" || c.inventory.some((k) => k.phase === "listing")) lines.push(`Still loading; see \`meridian clusters get ${c.slug}\`.`);
  return lines;
}
