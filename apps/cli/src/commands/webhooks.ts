import type { RouteResponse, Routes } from "@meridian/core";
import type { Command } from "commander";
import { checkAppName, resolveProjectTarget } from "../apps/target.js";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import { resolveEnvironmentId } from "../resolve.js";
import { type Runtime, withRuntime } from "../runtime.js";

type Webhook = RouteResponse<Routes["getAppWebhook"]>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerWebhookCommands(program: Command, env: CliEnv): void {
  const hooks = program.command("webhooks").alias("webhook").description("Push webhooks: a signed push to the app's git repository builds and deploys it");
  hooks
    .command("get <app>", { isDefault: true })
    .description("The app's webhook URL and the environments a push deploys to (never the secret)")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .action(withRuntime(env, getWebhook));
  hooks
    .command("set <app>")
    .description("Create the app's push webhook, or rotate its secret and change its environments")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .option("-e, --env <env>", "environment a push deploys to (repeatable; at least one)", collect)
    .addHelpText(
      "after",
      `
Prints the URL and the HMAC secret. The secret is shown this once: store it now (a second \`set\` rotates it).
Configure the URL as the repository's push webhook (content type application/json) with that secret; the
server checks X-Hub-Signature-256 (GitHub, Gitea) or X-Meridian-Signature. Pushes to the app's git ref build
the pushed commit and deploy it to the environments given here.

Examples:
  meridian webhooks set web --project shop --env dev --env staging
  meridian webhooks set web --project shop --env dev -o json | jq -r .secret`,
    )
    .action(withRuntime(env, setWebhook));
  hooks
    .command("delete <app>")
    .alias("rm")
    .description("Remove the app's push webhook (pushes are refused from then on)")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .action(withRuntime(env, deleteWebhook));
}

async function environmentSlugs(rt: Runtime, orgId: string, projectId: string): Promise<Map<string, string>> {
  const { items } = await rt.getClient().call("listEnvironments", { params: { orgId, projectId } });
  return new Map(items.map((e) => [e.id, e.slug]));
}

async function getWebhook(rt: Runtime, [app]: string[], opts: { project?: string }): Promise<void> {
  const name = checkAppName(app);
  const t = await resolveProjectTarget(rt, opts.project);
  const hook = await t.client.call("getAppWebhook", { params: { orgId: t.orgId, projectId: t.projectId, app: name } });
  const slugs = await environmentSlugs(rt, t.orgId, t.projectId);
  rt.printer.item<Webhook>(hook, [
    { header: "URL", value: (h) => h.url, fixed: true },
    { header: "Environments", value: (h) => h.environments.map((id) => slugs.get(id) ?? id) },
    { header: "Secret", value: () => `(not shown again; rotate with: meridian webhooks set ${name} --project ${t.projectRef} --env ENV)` },
    { header: "Created", value: (h) => h.createdAt, kind: "time" },
  ]);
}

async function setWebhook(rt: Runtime, [app]: string[], opts: { project?: string; env?: string[] }): Promise<void> {
  const name = checkAppName(app);
  if (!opts.env || opts.env.length === 0) throw new UsageError("--env is required: the environment(s) a push deploys to (repeat --env for several)");
  const t = await resolveProjectTarget(rt, opts.project);
  const environments: string[] = [];
  for (const e of opts.env) {
    const id = await resolveEnvironmentId(t.client, t.orgId, t.projectId, e);
    if (!environments.includes(id)) environments.push(id);
  }
  const hook = await t.client.call("putAppWebhook", { params: { orgId: t.orgId, projectId: t.projectId, app: name }, body: { environments } });
  const slugs = await environmentSlugs(rt, t.orgId, t.projectId);
  rt.printer.item<Webhook>(hook, [
    { header: "URL", value: (h) => h.url, fixed: true },
    { header: "Secret", value: (h) => h.secret, fixed: true },
    { header: "Environments", value: (h) => h.environments.map((id) => slugs.get(id) ?? id) },
  ]);
  // The secret went to stdout only (it can be captured); the advice goes to stderr.
  rt.printer.note("Store the secret now: it is not shown again (`meridian webhooks set` again rotates it).");
  rt.printer.note("Add the URL as the repository's push webhook (content type application/json) with this secret.");
}

async function deleteWebhook(rt: Runtime, [app]: string[], opts: { project?: string }): Promise<void> {
  const name = checkAppName(app);
  const t = await resolveProjectTarget(rt, opts.project);
  await t.client.call("deleteAppWebhook", { params: { orgId: t.orgId, projectId: t.projectId, app: name } });
  rt.printer.done(`push webhook of ${t.projectRef}/${name} deleted`);
}
