import type { App, AppEnvironmentStatus, AppSpecInput, RouteResponse, Routes } from "@meridian/core";
import type { Command } from "commander";
import { formatAppStatus, formatInProgress, shortImage } from "../apps/format.js";
import { checkAppName, resolveProjectTarget } from "../apps/target.js";
import { writeSection } from "../clusters/sections.js";
import { readBodyLines } from "../clusters/streams.js";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { collectPages, parsePositiveInt } from "../paging.js";
import { promptLine } from "../prompt.js";
import { resolveEnvironmentId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";
import { createLogPrinter, parseSince } from "./logs.js";

type AppSummary = RouteResponse<Routes["listApps"]>["items"][number];

const listColumns: Column<AppSummary>[] = [
  { header: "App", value: (a) => `${a.projectSlug}/${a.name}` },
  { header: "Source", value: (a) => shortImage(a.source), max: 80 },
  { header: "Status", value: (a) => formatAppStatus(a.environments), max: 100 },
  { header: "Updated", value: (a) => a.updatedAt, kind: "time" },
];

const describeSource = (spec: App["spec"]) => ("image" in spec.source ? spec.source.image : `git ${spec.source.git.url}#${spec.source.git.ref}`);

const detailFields: Column<App>[] = [
  { header: "Name", value: (a) => a.name },
  { header: "Project", value: (a) => a.projectSlug },
  { header: "Description", value: (a) => a.description },
  { header: "Source", value: (a) => describeSource(a.spec) },
  { header: "Ports", value: (a) => a.spec.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`) },
  { header: "Replicas", value: (a) => (a.spec.autoscaling ? `${a.spec.autoscaling.min}-${a.spec.autoscaling.max} (autoscaled at ${a.spec.autoscaling.cpuTarget}% CPU)` : a.spec.replicas) },
  { header: "Strategy", value: (a) => a.spec.strategy.type },
  { header: "Routes", value: (a) => a.spec.routes.map((r) => `${r.host}${r.path === "/" ? "" : r.path}`) },
  { header: "Env", value: (a) => Object.keys(a.spec.env) },
  { header: "Secrets", value: (a) => a.spec.secrets.map((s) => `${s.env}←${s.secret}`) },
  { header: "Placement", value: (a) => a.spec.placement.constraints },
  { header: "Overrides", value: (a) => Object.keys(a.spec.environments) },
  { header: "Spec version", value: (a) => a.specVersion },
  { header: "Updated", value: (a) => a.updatedAt, kind: "time" },
  { header: "ID", value: (a) => a.id, fixed: true },
];

const environmentColumns: Column<AppEnvironmentStatus>[] = [
  { header: "Env", value: (e) => e.environmentSlug },
  { header: "Target", value: (e) => (e.target ? `${e.target.clusterSlug}/${e.target.namespace} (${e.target.runtime})` : "no cluster bound") },
  { header: "Health", value: (e) => e.health.replace("_", " ") },
  { header: "Release", value: (e) => (e.current ? `r${e.current.number}` : null) },
  { header: "Image", value: (e) => (e.current ? shortImage(e.current.image) : null), max: 80 },
  { header: "Replicas", value: (e) => (e.replicas ? `${e.replicas.ready}/${e.replicas.desired}` : null) },
  { header: "Routes", value: (e) => e.routes },
  { header: "In progress", value: (e) => (e.inProgress ? formatInProgress(e.inProgress) : null), max: 80 },
];

export interface AppLogsOptions {
  project?: string;
  env?: string;
  follow?: boolean;
  tail?: string;
  since?: string;
  slot?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerAppCommands(program: Command, env: CliEnv): void {
  const apps = program.command("apps").alias("app").description("Apps: what Meridian deploys to your environments (see also deploy, releases, export, apply)");
  apps
    .command("list", { isDefault: true })
    .alias("ls")
    .description("Apps with their source and status per environment")
    .option("-p, --project <project>", "only this project's apps")
    .option("-q, --query <text>", "only apps whose name contains this")
    .action(withRuntime(env, listApps));
  apps
    .command("get <app>")
    .description("An app's spec summary and, per environment, its release, replicas, routes and any release in progress")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .action(withRuntime(env, getApp));
  apps
    .command("create <app>")
    .description("Create an app from an image or a template (nothing is deployed until `meridian deploy`)")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .option("--image <image>", "image to run, e.g. registry.example.com/team/web:1.4")
    .option("--template <id>", "start from a template: static-site, node-service, postgresql, redis (see `apps templates`)")
    .option("--port <port>", "HTTP port the app listens on (replaces a template's first port)")
    .option("--replicas <n>", "replica count")
    .option("--env <KEY=VALUE>", "environment variable (repeatable)", collect)
    .option("--description <text>", "a line about the app")
    .addHelpText(
      "after",
      `
Examples:
  meridian apps create web --project shop --image registry.example.com/shop/web:1.4 --port 8080 --replicas 2 --env LOG_LEVEL=info
  meridian apps create db --project shop --template postgresql
For everything else (routes, health checks, secrets, strategies) edit the YAML: meridian export web --project shop > web.yaml`,
    )
    .action(withRuntime(env, createApp));
  apps
    .command("delete <app>")
    .alias("rm")
    .description("Delete an app and remove it from every environment's cluster")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .option("--yes", "do not ask (required when stdin is not a terminal)")
    .action(withRuntime(env, deleteApp));
  apps.command("templates").description("One-click templates for `apps create --template`").action(withRuntime(env, listTemplates));
  apps
    .command("logs <app>")
    .description("Logs of every replica of an app in one environment")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .option("-e, --env <env>", "environment (required)")
    .option("-f, --follow", "keep streaming new lines (Ctrl+C stops)")
    .option("--tail <n>", "only the last n lines (per replica; default 200)")
    .option("--since <age>", "only lines newer than this: 30s, 10m, 2h, 1d")
    .option("--slot <slot>", "blue or green: only one version while a blue/green or canary release runs")
    .action(withRuntime(env, (rt, [app], opts: AppLogsOptions) => showAppLogs(rt, app, opts)));
}

async function listApps(rt: Runtime, _args: string[], opts: { project?: string; query?: string }): Promise<void> {
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const projectId = opts.project ? (await resolveProjectTarget(rt, opts.project)).projectId : undefined;
  const items = await collectPages(client, "listApps", { params: { orgId }, query: { ...(projectId ? { projectId } : {}), ...(opts.query ? { q: opts.query } : {}) } });
  rt.printer.list(items, listColumns, "No apps; create one with `meridian apps create APP --project P --image I` or `meridian apply -f app.yaml`.");
}

async function getApp(rt: Runtime, [name]: string[], opts: { project?: string }): Promise<void> {
  const t = await resolveProjectTarget(rt, opts.project);
  const app = await t.client.call("getApp", { params: { orgId: t.orgId, projectId: t.projectId, app: checkAppName(name) } });
  rt.printer.item(app, detailFields);
  if (rt.printer.format !== "table") return;
  writeSection(rt, "Environments", app.environments, environmentColumns);
}

/** `KEY=VALUE` pairs of --env, checked so the server's error about a bad name points at the flag. */
export function parseEnvPairs(pairs: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`--env must be KEY=VALUE with KEY a variable name (got "${pair}")`);
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

interface CreateOptions {
  project?: string;
  image?: string;
  template?: string;
  port?: string;
  replicas?: string;
  env?: string[];
  description?: string;
}

async function createApp(rt: Runtime, [name]: string[], opts: CreateOptions): Promise<void> {
  const app = checkAppName(name);
  if (!opts.image && !opts.template) throw new UsageError("give --image IMAGE or --template ID (see: meridian apps templates)");
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UsageError(`--port must be a port number 1-65535 (got "${opts.port}")`);
  const replicas = opts.replicas === undefined ? undefined : Number(opts.replicas);
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) throw new UsageError(`--replicas must be a whole number (got "${opts.replicas}")`);
  const env = parseEnvPairs(opts.env);
  const t = await resolveProjectTarget(rt, opts.project);
  const params = { orgId: t.orgId, projectId: t.projectId, app };

  let spec: AppSpecInput;
  let description = opts.description;
  if (opts.template) {
    const { items } = await t.client.call("listAppTemplates", { params: { orgId: t.orgId } });
    const template = items.find((i) => i.id === opts.template);
    if (!template) throw new CliError(`no template "${opts.template}"; templates: ${items.map((i) => i.id).join(", ")}`);
    const doc = template.document as { spec: AppSpecInput; metadata?: { description?: string } };
    spec = structuredClone(doc.spec);
    description ??= doc.metadata?.description;
    if (opts.image) spec.source = { image: opts.image };
    if (port !== undefined) {
      const [first, ...rest] = spec.ports ?? [];
      spec.ports = [{ ...(first ?? { name: "http", protocol: "http" }), port }, ...rest];
    }
  } else {
    spec = { source: { image: opts.image as string }, ...(port !== undefined ? { ports: [{ name: "http", port, protocol: "http" }] } : {}) };
  }
  if (replicas !== undefined) {
    spec.replicas = replicas;
    // An explicit count wins over a template's autoscaling range.
    if (spec.autoscaling) delete spec.autoscaling;
  }
  if (Object.keys(env).length > 0) spec.env = { ...spec.env, ...env };

  // createOnly: the server refuses an existing app in the same transaction that would create it (no get-then-put race).
  const created = await t.client.call("putApp", { params, body: { spec: spec as App["spec"], createOnly: true, ...(description ? { description } : {}) } }).catch((err: unknown) => {
    if ((err as { code?: string }).code !== "conflict" || !/already exists/.test((err as Error).message)) throw err;
    throw new CliError(`app ${t.projectRef}/${app} already exists; change it with \`meridian export ${app} --project ${t.projectRef} > ${app}.yaml\`, edit, \`meridian apply -f ${app}.yaml\``);
  });
  rt.printer.done(`app ${created.projectSlug}/${created.name} created; deploy it with: meridian deploy ${created.name} --project ${t.projectRef} --env ENV`, created);
}

async function deleteApp(rt: Runtime, [name]: string[], opts: { project?: string; yes?: boolean }): Promise<void> {
  const app = checkAppName(name);
  const t = await resolveProjectTarget(rt, opts.project);
  const params = { orgId: t.orgId, projectId: t.projectId, app };
  const found = await t.client.call("getApp", { params });
  const deployedIn = found.environments.filter((e) => e.deployed).map((e) => e.environmentSlug);
  if (!opts.yes) {
    if (!process.stdin.isTTY) throw new UsageError(`refusing to delete app ${found.projectSlug}/${app} without --yes (stdin is not a terminal)`);
    const where = deployedIn.length > 0 ? ` It is removed from ${deployedIn.join(", ")}.` : "";
    const answer = await promptLine(`Delete app ${found.projectSlug}/${app} and its releases?${where} [y/N] `);
    if (!/^y(es)?$/i.test(answer)) throw new CliError("cancelled");
  }
  await t.client.call("deleteApp", { params });
  rt.printer.done(`app ${found.projectSlug}/${app} deleted${deployedIn.length > 0 ? ` (removed from ${deployedIn.join(", ")})` : ""}`);
}

async function listTemplates(rt: Runtime): Promise<void> {
  const { items } = await rt.getClient().call("listAppTemplates", { params: { orgId: rt.getOrg() } });
  rt.printer.list(items, [
    { header: "ID", value: (t) => t.id },
    { header: "Name", value: (t) => t.name },
    { header: "Description", value: (t) => t.description, max: 100 },
  ]);
}

/** `meridian apps logs APP` and `meridian logs app/APP`: every replica's lines, each prefixed with its source. */
export async function showAppLogs(rt: Runtime, name: string | undefined, opts: AppLogsOptions): Promise<void> {
  const app = checkAppName(name);
  if (!opts.env) throw new UsageError("--env is required: an app's logs are those of one environment");
  if (opts.slot !== undefined && opts.slot !== "blue" && opts.slot !== "green") throw new UsageError(`--slot must be blue or green (got "${opts.slot}")`);
  const tail = parsePositiveInt("--tail", opts.tail);
  const since = parseSince(opts.since);
  const t = await resolveProjectTarget(rt, opts.project);
  const environmentId = await resolveEnvironmentId(t.client, t.orgId, t.projectId, opts.env);
  const res = await t.client.raw("streamAppLogs", {
    params: { orgId: t.orgId, projectId: t.projectId, environmentId, app },
    query: {
      follow: opts.follow ? "true" : "false",
      ...(tail !== undefined ? { tail } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(opts.slot ? { slot: opts.slot as "blue" | "green" } : {}),
    } as never,
  });
  await readBodyLines(res, createLogPrinter("App", (s) => process.stdout.write(s)));
}
