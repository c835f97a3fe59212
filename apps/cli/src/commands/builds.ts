import type { Build } from "@meridian/core";
import type { Command } from "commander";
import { buildTook, shortCommit, streamBuildLog } from "../apps/build-watch.js";
import { shortImage } from "../apps/format.js";
import { checkAppName, resolveProjectTarget } from "../apps/target.js";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import type { Column } from "../output.js";
import { type Runtime, withRuntime } from "../runtime.js";

/** `dev r3`, `prod ✗ (why)`: where a build deployed, by environment slug. */
function describeReleases(b: Build, slugs: Map<string, string>, long: boolean): string[] {
  return b.releases.map((r) => {
    const env = slugs.get(r.environmentId) ?? r.environmentId;
    if (r.error || r.number === null) return long ? `${env}: refused: ${r.error ?? "no release"}` : `${env} ✗`;
    return `${env} r${r.number}`;
  });
}

const columns = (slugs: Map<string, string>): Column<Build>[] => [
  { header: "#", value: (b) => b.number },
  { header: "Ref", value: (b) => b.ref, max: 30 },
  { header: "Commit", value: (b) => shortCommit(b.commit) },
  { header: "State", value: (b) => b.state },
  { header: "Trigger", value: (b) => b.trigger },
  { header: "Releases", value: (b) => describeReleases(b, slugs, false) },
  { header: "By", value: (b) => b.createdBy },
  { header: "Created", value: (b) => b.createdAt, kind: "time" },
  { header: "Took", value: (b) => buildTook(b) },
  { header: "Reason", value: (b) => b.reason, max: 80 },
];

const fields = (slugs: Map<string, string>): Column<Build>[] => [
  { header: "Build", value: (b) => b.number },
  { header: "Ref", value: (b) => b.ref },
  { header: "Commit", value: (b) => b.commit, fixed: true },
  { header: "Image", value: (b) => (b.image ? shortImage(b.image) : null), fixed: true },
  { header: "Digest", value: (b) => b.digest, fixed: true },
  { header: "State", value: (b) => b.state },
  { header: "Reason", value: (b) => b.reason },
  { header: "Trigger", value: (b) => b.trigger },
  { header: "Releases", value: (b) => describeReleases(b, slugs, true) },
  { header: "By", value: (b) => b.createdBy },
  { header: "Created", value: (b) => b.createdAt, kind: "time" },
  { header: "Started", value: (b) => b.startedAt, kind: "time" },
  { header: "Finished", value: (b) => b.finishedAt, kind: "time" },
  { header: "Took", value: (b) => buildTook(b) },
];

export function registerBuildCommands(program: Command, env: CliEnv): void {
  const builds = program.command("builds").alias("build").description("Image builds of apps with a git source (started by `meridian deploy` or a push webhook)");
  builds
    .command("list <app>", { isDefault: true })
    .alias("ls")
    .description("Builds of an app, newest first (the last 100)")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .action(withRuntime(env, listBuilds));
  builds
    .command("get <app> <number>")
    .description("One build: ref, commit, image digest, state and the releases it created")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .action(withRuntime(env, getBuild));
  builds
    .command("logs <app> <number>")
    .description("A build's log (clone, docker build, push)")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .option("-f, --follow", "keep streaming until the build ends (Ctrl+C stops watching, not the build)")
    .action(withRuntime(env, buildLogs));
}

function parseBuildNumber(value: string | undefined): number {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n < 1) throw new UsageError(`NUMBER must be a build number (got "${value ?? ""}")`);
  return n;
}

async function environmentSlugs(rt: Runtime, orgId: string, projectId: string): Promise<Map<string, string>> {
  const { items } = await rt.getClient().call("listEnvironments", { params: { orgId, projectId } });
  return new Map(items.map((e) => [e.id, e.slug]));
}

async function listBuilds(rt: Runtime, [app]: string[], opts: { project?: string }): Promise<void> {
  const name = checkAppName(app);
  const t = await resolveProjectTarget(rt, opts.project);
  const { items } = await t.client.call("listBuilds", { params: { orgId: t.orgId, projectId: t.projectId, app: name } });
  const slugs = items.some((b) => b.releases.length > 0) ? await environmentSlugs(rt, t.orgId, t.projectId) : new Map<string, string>();
  rt.printer.list(items, columns(slugs), `No builds of ${name}; apps with a git source build on: meridian deploy ${name} --project ${t.projectRef} --env ENV`);
}

async function getBuild(rt: Runtime, [app, number]: string[], opts: { project?: string }): Promise<void> {
  const name = checkAppName(app);
  const n = parseBuildNumber(number);
  const t = await resolveProjectTarget(rt, opts.project);
  const build = await t.client.call("getBuild", { params: { orgId: t.orgId, projectId: t.projectId, app: name, number: n } });
  const slugs = build.releases.length > 0 ? await environmentSlugs(rt, t.orgId, t.projectId) : new Map<string, string>();
  rt.printer.item(build, fields(slugs));
}

async function buildLogs(rt: Runtime, [app, number]: string[], opts: { project?: string; follow?: boolean }): Promise<void> {
  const name = checkAppName(app);
  const n = parseBuildNumber(number);
  const t = await resolveProjectTarget(rt, opts.project);
  await streamBuildLog({ ...t, app: name }, n, opts.follow === true, (s) => process.stdout.write(s));
}
