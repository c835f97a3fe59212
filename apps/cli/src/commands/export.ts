import type { Command } from "commander";
import { checkAppName, resolveProjectTarget } from "../apps/target.js";
import type { CliEnv } from "../config.js";
import { type Runtime, withRuntime } from "../runtime.js";

export function registerExportCommand(program: Command, env: CliEnv): void {
  program
    .command("export [app]")
    .description("Print an app (or every app of a project) as the YAML `meridian apply -f` takes back")
    .option("-p, --project <project>", "project slug, name or id (required)")
    .addHelpText(
      "after",
      `
YAML unless -o json (one object for an app, an array for a project). The output applies back unchanged.

Examples:
  meridian export web --project shop > web.yaml && meridian apply -f web.yaml
  meridian export --project shop > shop-apps.yaml`,
    )
    .action(withRuntime(env, exportApps));
}

async function exportApps(rt: Runtime, [app]: string[], opts: { project?: string }): Promise<void> {
  const t = await resolveProjectTarget(rt, opts.project);
  const format = rt.printer.format === "json" ? "json" : "yaml";
  const res =
    app === undefined
      ? await t.client.raw("exportProjectApps", { params: { orgId: t.orgId, projectId: t.projectId }, query: { format } })
      : await t.client.raw("exportApp", { params: { orgId: t.orgId, projectId: t.projectId, app: checkAppName(app) }, query: { format } });
  const text = await res.text();
  if (text.trim() === "" || text.trim() === "[]") rt.printer.note(`project ${t.projectRef} has no apps`);
  process.stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
}
