import type { Build, Release } from "@meridian/core";
import { followBuild } from "../apps/build-watch.js";
import { type Command, Option } from "commander";
import { describeReleaseStrategy, shortImage } from "../apps/format.js";
import { type ReleaseTarget, releaseLabel, watchRelease } from "../apps/release-watch.js";
import { checkAppName, resolveProjectTarget, resolveReleaseTarget } from "../apps/target.js";
import { formatDuration } from "../clusters/format.js";
import { writeSection } from "../clusters/sections.js";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { resolveEnvironmentId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";
import { printApplyResults } from "./apply.js";

const strategies = ["rolling", "bluegreen", "canary"] as const;

interface WaitOptions {
  wait?: boolean;
  waitPromote?: boolean;
}

interface DeployOptions extends WaitOptions {
  project?: string;
  env?: string;
  image?: string;
  ref?: string;
  strategy?: (typeof strategies)[number];
  dryRun?: boolean;
}

const releaseColumns: Column<Release>[] = [
  { header: "#", value: (r) => r.number },
  { header: "Env", value: (r) => r.environmentSlug },
  { header: "Kind", value: (r) => (r.kind === "rollback" ? `rollback→${r.rollbackOf ?? "?"}` : r.kind) },
  { header: "Image", value: (r) => shortImage(r.image), max: 70 },
  { header: "Strategy", value: (r) => r.strategy.type },
  { header: "State", value: (r) => `${r.state.replace("_", " ")}${r.state === "progressing" || r.state === "paused" ? ` ${Math.min(r.step + 1, r.steps.length)}/${r.steps.length}` : ""}` },
  { header: "By", value: (r) => r.createdBy },
  { header: "Created", value: (r) => r.createdAt, kind: "time" },
  { header: "Reason", value: (r) => r.reason, max: 80 },
];

const releaseFields: Column<Release>[] = [
  { header: "Release", value: (r) => r.number },
  { header: "Environment", value: (r) => r.environmentSlug },
  { header: "Kind", value: (r) => (r.kind === "rollback" ? `rollback to release ${r.rollbackOf ?? "?"}` : r.kind) },
  { header: "Image", value: (r) => r.image },
  { header: "Strategy", value: (r) => describeReleaseStrategy(r) },
  { header: "Slot", value: (r) => r.slot },
  { header: "State", value: (r) => r.state.replace("_", " ") },
  { header: "Reason", value: (r) => r.reason },
  { header: "Secrets", value: (r) => Object.entries(r.secretVersions).map(([k, v]) => `${k} v${v}`) },
  { header: "By", value: (r) => r.createdBy },
  { header: "Created", value: (r) => r.createdAt, kind: "time" },
  { header: "Started", value: (r) => r.startedAt, kind: "time" },
  { header: "Finished", value: (r) => r.finishedAt, kind: "time" },
  { header: "Took", value: (r) => (r.startedAt && r.finishedAt ? formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : null) },
];

const waitHelp = `
While a release runs the CLI shows its steps (a spinner and bar on a terminal, one line per step otherwise) and
exits 0 when it succeeds, 1 with the reason when it fails, is rolled back or aborted. At a manual pause it prints
how to promote and exits 0 (the release waits on the server); --wait-promote keeps waiting instead. Ctrl+C stops
watching, never the release (exit 130). --no-wait returns as soon as the release is created.`;

const buildHelp = `
Apps with a git source build first (--ref R builds that ref): the CLI streams the build's log (clone, docker build, push),
prints its outcome (commit, image digest), then follows the release the build created the same way. A failed
build exits 1 with its reason. With --no-wait it returns once the build is queued (see: meridian builds).`;

function addWaitOptions(cmd: Command): Command {
  return cmd.option("--no-wait", "return once the release is created").option("--wait-promote", "at a manual pause, keep waiting for someone to promote or abort");
}

const envOptions = (cmd: Command) => cmd.option("-p, --project <project>", "project slug, name or id (required)").option("-e, --env <env>", "environment slug, name or id (required)");

export function registerReleaseCommands(program: Command, env: CliEnv): void {
  addWaitOptions(
    envOptions(program.command("deploy <app>").description("Deploy an app to an environment: creates a release and follows it to the end"))
      .option("--image <image>", "deploy this image instead of the spec's")
      .option("--ref <ref>", "git ref to build (apps with a git source)")
      .addOption(new Option("--strategy <type>", "override the spec's strategy for this deploy").choices(strategies))
      .option("--dry-run", "change nothing; print what would change in the cluster, with diffs"),
  )
    .addHelpText("after", `${waitHelp}\n${buildHelp}\n\nExamples:\n  meridian deploy web --project shop --env prod --image registry.example.com/shop/web:1.5 --strategy canary\n  meridian deploy web --project shop --env dev --dry-run\n  meridian deploy api --project shop --env dev --ref v1.2.0`)
    .action(withRuntime(env, deploy));
  addWaitOptions(
    envOptions(program.command("rollback <app>").description("Roll back to an earlier release that succeeded (a new release that pins it)")).requiredOption("--to <n>", "release number to go back to"),
  )
    .addHelpText("after", waitHelp)
    .action(withRuntime(env, rollback));
  envOptions(program.command("promote <app>").description("Continue a release waiting at a manual pause"))
    .option("--wait", "follow the release after promoting")
    .option("--wait-promote", "with --wait: keep waiting through later pauses")
    .action(withRuntime(env, promote));
  envOptions(program.command("abort <app>").description("Abort the running release and return to the serving version"))
    .option("--no-wait", "return once the abort is requested")
    .action(withRuntime(env, abort));

  const releases = program.command("releases").alias("release").description("Releases of an app");
  releases
    .command("list <app>", { isDefault: true })
    .alias("ls")
    .description("Releases of an app, newest first")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .option("-e, --env <env>", "only this environment's")
    .option("--limit <n>", "at most this many (default 50)")
    .action(withRuntime(env, listReleases));
  releases
    .command("get <app> <number>")
    .description("One release: its steps and analysis")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .option("-e, --env <env>", "environment (needed when the number exists in several)")
    .action(withRuntime(env, getRelease));
}

const params = (t: ReleaseTarget) => ({ orgId: t.orgId, projectId: t.projectId, environmentId: t.environmentId, app: t.app });

async function follow(rt: Runtime, t: ReleaseTarget, release: Release, o: { wait: boolean; waitPromote: boolean; expect: "success" | "abort" }): Promise<void> {
  const quiet = rt.printer.format !== "table";
  if (!o.wait) {
    rt.printer.done(`${releaseLabel(release)} ${release.state}; follow it with: meridian releases get ${t.app} ${release.number} --project ${t.projectRef} --env ${t.envRef}`, release);
    return;
  }
  await watchRelease(t, release, {
    waitPromote: o.waitPromote,
    expect: o.expect,
    tty: rt.stderrIsTTY && Boolean(process.stdout.isTTY),
    quiet,
    report: (r) => {
      if (quiet) rt.printer.item(r, []);
    },
  });
}

async function deploy(rt: Runtime, [app]: string[], opts: DeployOptions): Promise<void> {
  if (opts.image && opts.ref) throw new UsageError("give --image or --ref, not both");
  const t = await resolveReleaseTarget(rt, app, opts.project, opts.env);
  let strategy: { type: (typeof strategies)[number] } | undefined;
  if (opts.strategy) {
    // Only an actual change of type is an override: the same type would replace the spec's tuned steps with defaults.
    const current = await t.client.call("getApp", { params: { orgId: t.orgId, projectId: t.projectId, app: t.app } });
    const envSlug = current.environments.find((e) => e.environmentId === t.environmentId)?.environmentSlug;
    const effective = (envSlug ? current.spec.environments[envSlug]?.strategy : undefined) ?? current.spec.strategy;
    if (effective.type !== opts.strategy) strategy = { type: opts.strategy };
  }
  const body = {
    ...(opts.image ? { image: opts.image } : {}),
    ...(opts.ref ? { ref: opts.ref } : {}),
    ...(strategy ? { strategy: strategy as never } : {}),
    dryRun: opts.dryRun === true,
  };
  const result = await t.client.call("deployApp", { params: params(t), body });
  if (opts.dryRun) {
    if (rt.printer.format !== "table") return rt.printer.item(result, []);
    const preview = result.preview ?? [];
    if (preview.length === 0) process.stdout.write("nothing would change (dry run)\n");
    printApplyResults(rt, "", { results: preview, dryRun: true }, true);
    return;
  }
  // Git apps build first: the release follows once the image is pushed.
  let release = result.release;
  if (!release) {
    const build = result.build;
    if (!build) throw new CliError("the server created no release and said nothing about why");
    release = await followBuildToRelease(rt, t, build, opts.wait !== false);
    if (!release) return;
  }
  if (rt.printer.format === "table") {
    process.stdout.write(`${releaseLabel(release)} created: ${shortImage(release.image)}\n`);
    // A digest the server could not pin is worth knowing before the rollout starts.
    if (release.reason) rt.printer.note(`warning: ${release.reason}`);
  }
  await follow(rt, t, release, { wait: opts.wait !== false, waitPromote: opts.waitPromote === true, expect: "success" });
}

/**
 * A deploy that builds first: prints that the build is queued, streams its log, prints its outcome, then answers the
 * release it created in this environment (null with --no-wait, after saying how to follow the build).
 */
async function followBuildToRelease(rt: Runtime, t: ReleaseTarget, build: Build, wait: boolean): Promise<Release | null> {
  const table = rt.printer.format === "table";
  const logs = `meridian builds logs ${t.app} ${build.number} --project ${t.projectRef} -f`;
  if (!wait) {
    rt.printer.done(`build ${build.number} of ${t.app} (${build.ref}) ${build.state}; it deploys to ${t.envRef} once the image is pushed (follow it with: ${logs})`, build);
    return null;
  }
  if (table) process.stdout.write(`build ${build.number} of ${t.app} (${build.ref}) ${build.state}; its log follows\n`);
  const done = await followBuild(t, build, { quiet: !table });
  const entry = done.releases.find((r) => r.environmentId === t.environmentId);
  if (!entry) throw new CliError(`build ${done.number} created no release in ${t.envRef}; see: meridian builds get ${t.app} ${done.number} --project ${t.projectRef}`);
  if (entry.error || entry.number === null) throw new CliError(`build ${done.number} succeeded but the deploy to ${t.envRef} was refused: ${entry.error ?? "no release was created"}`);
  return t.client.call("getRelease", { params: { orgId: t.orgId, projectId: t.projectId, app: t.app, number: entry.number }, query: { environmentId: t.environmentId } });
}

function parseReleaseNumber(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a release number (got "${value ?? ""}")`);
  return n;
}

async function rollback(rt: Runtime, [app]: string[], opts: { project?: string; env?: string; to?: string } & WaitOptions): Promise<void> {
  const to = parseReleaseNumber("--to", opts.to);
  const t = await resolveReleaseTarget(rt, app, opts.project, opts.env);
  const release = await t.client.call("rollbackApp", { params: params(t), body: { to } });
  if (rt.printer.format === "table") process.stdout.write(`${releaseLabel(release)} created: back to release ${to} (${shortImage(release.image)})\n`);
  await follow(rt, t, release, { wait: opts.wait !== false, waitPromote: opts.waitPromote === true, expect: "success" });
}

async function promote(rt: Runtime, [app]: string[], opts: { project?: string; env?: string; wait?: boolean; waitPromote?: boolean }): Promise<void> {
  const t = await resolveReleaseTarget(rt, app, opts.project, opts.env);
  const release = await t.client.call("promoteRelease", { params: params(t) });
  const step = release.steps[release.step];
  if (!opts.wait) {
    rt.printer.done(`${releaseLabel(release)} promoted${step ? `: continuing past "${step.name}"` : ""}`, release);
    return;
  }
  if (rt.printer.format === "table") process.stdout.write(`${releaseLabel(release)} promoted\n`);
  await follow(rt, t, release, { wait: true, waitPromote: opts.waitPromote === true, expect: "success" });
}

async function abort(rt: Runtime, [app]: string[], opts: { project?: string; env?: string; wait?: boolean }): Promise<void> {
  const t = await resolveReleaseTarget(rt, app, opts.project, opts.env);
  const release = await t.client.call("abortRelease", { params: params(t) });
  if (opts.wait === false || release.state === "aborted") {
    rt.printer.done(`${releaseLabel(release)} ${release.state === "aborted" ? "aborted" : "abort requested"}`, release);
    return;
  }
  if (rt.printer.format === "table") process.stdout.write(`${releaseLabel(release)} abort requested\n`);
  await follow(rt, t, release, { wait: true, waitPromote: true, expect: "abort" });
}

async function listReleases(rt: Runtime, [app]: string[], opts: { project?: string; env?: string; limit?: string }): Promise<void> {
  const name = checkAppName(app);
  const limit = opts.limit === undefined ? 50 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError(`--limit must be 1-500 (got "${opts.limit}")`);
  const t = await resolveProjectTarget(rt, opts.project);
  const environmentId = opts.env ? await resolveEnvironmentId(t.client, t.orgId, t.projectId, opts.env) : undefined;
  const page = await t.client.call("listReleases", { params: { orgId: t.orgId, projectId: t.projectId, app: name }, query: { limit, ...(environmentId ? { environmentId } : {}) } });
  rt.printer.list(page.items, releaseColumns, `No releases of ${name}${opts.env ? ` in ${opts.env}` : ""}; deploy with: meridian deploy ${name} --project ${t.projectRef} --env ENV`);
}

async function getRelease(rt: Runtime, [app, number]: string[], opts: { project?: string; env?: string }): Promise<void> {
  const name = checkAppName(app);
  const n = parseReleaseNumber("NUMBER", number);
  const t = await resolveProjectTarget(rt, opts.project);
  const environmentId = opts.env ? await resolveEnvironmentId(t.client, t.orgId, t.projectId, opts.env) : undefined;
  const release = await t.client.call("getRelease", { params: { orgId: t.orgId, projectId: t.projectId, app: name, number: n }, query: environmentId ? { environmentId } : {} });
  rt.printer.item(release, releaseFields);
  if (rt.printer.format !== "table") return;
  const mark = (s: Release["steps"][number]["status"]) => ({ done: "✓", running: "▶", failed: "✗", skipped: "-", pending: " " })[s];
  writeSection(
    rt,
    "Steps",
    release.steps.map((s, i) => ({ ...s, i })),
    [
      { header: "", value: (s) => mark(s.status) },
      { header: "#", value: (s) => s.i + 1 },
      { header: "Step", value: (s) => s.name },
      { header: "Status", value: (s) => (release.state === "paused" && s.i === release.step ? "paused" : s.status) },
      { header: "Took", value: (s) => (s.startedAt ? formatDuration((s.finishedAt ? Date.parse(s.finishedAt) : Date.now()) - Date.parse(s.startedAt)) : null) },
      { header: "Message", value: (s) => s.message, max: 100 },
    ],
  );
  writeSection(rt, "Analysis", release.analysis, [
    { header: "At", value: (a) => a.at, kind: "time" },
    { header: "Step", value: (a) => a.step + 1 },
    { header: "Check", value: (a) => a.check },
    { header: "Value", value: (a) => a.value },
    { header: "Threshold", value: (a) => a.threshold },
    { header: "OK", value: (a) => a.ok },
    { header: "Message", value: (a) => a.message, max: 100 },
  ]);
}
