import { ApiError } from "@meridian/client";
import { AppError } from "@meridian/core";
import { Command, CommanderError, Option } from "commander";
import { registerApplyCommand } from "./commands/apply.js";
import { registerAppCommands } from "./commands/apps.js";
import { registerAuditCommands } from "./commands/audit.js";
import { registerAuthCommands } from "./commands/auth.js";
import { registerBuildCommands } from "./commands/builds.js";
import { renameClusterAddFlags } from "./commands/cluster-add.js";
import { registerClusterCommands } from "./commands/clusters.js";
import { registerContextCommands } from "./commands/context.js";
import { registerCostCommands } from "./commands/cost.js";
import { registerCreateCommands } from "./commands/create.js";
import { registerDescribeCommand } from "./commands/describe.js";
import { registerDomainCommands } from "./commands/domains.js";
import { registerEnvCommands } from "./commands/envs.js";
import { registerExportCommand } from "./commands/export.js";
import { registerGetCommand } from "./commands/get.js";
import { registerInviteCommands } from "./commands/invites.js";
import { registerLogsCommand } from "./commands/logs.js";
import { registerMemberCommands } from "./commands/members.js";
import { registerOrgCommands } from "./commands/orgs.js";
import { registerProjectCommands } from "./commands/projects.js";
import { registerReleaseCommands } from "./commands/releases.js";
import { registerRoleCommands } from "./commands/roles.js";
import { registerSecretCommands } from "./commands/secrets.js";
import { registerTeamCommands } from "./commands/teams.js";
import { registerTokenCommands } from "./commands/tokens.js";
import { registerUpCommand } from "./commands/up.js";
import { registerWebhookCommands } from "./commands/webhooks.js";
import { registerWorkloadCommands } from "./commands/workload-actions.js";
import { type CliEnv, readCliEnv } from "./config.js";
import { CliError } from "./errors.js";
import { outputFormats } from "./output.js";
import { cliVersion } from "./runtime.js";

export function createProgram(env: CliEnv): Command {
  const program = new Command("meridian")
    .description("Command-line client for the Meridian control plane")
    .version(cliVersion)
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .option("-s, --server <url>", "server URL (env MERIDIAN_SERVER; default: the context's)")
    .option("--token <token>", "API token (env MERIDIAN_TOKEN; default: the context's)")
    .option("--org <org>", "organization slug or id (default: the context's)")
    .addOption(new Option("-o, --output <format>", "output format").choices(outputFormats).default("table"))
    .option("--context <name>", "use this saved context instead of the current one")
    .addHelpText(
      "after",
      `
Examples:
  meridian login --server https://meridian.example.com --username alice
  meridian projects create api --name "Public API" --team platform --env dev,staging,prod
  meridian roles create deployer --permission project:read,environment:update
  meridian roles bind --role deployer --team platform --project api --env prod
  meridian tokens create ci --role deployer --project api --expires-in-days 30
  meridian audit list --action project. --since 24h -o json
  meridian audit export --format csv -f audit.csv && meridian audit verify
  meridian clusters add prod --kubeconfig ~/.kube/config --context prod-admin
  meridian get pods -A --cluster prod && meridian logs deploy/web -n shop -f
  meridian apply -f web.yaml --dry-run && meridian scale deploy web --replicas 3
  meridian apps create web --project shop --image registry.example.com/shop/web:1.4 --port 8080
  meridian secrets set api-token --project shop < token.txt
  meridian deploy web --project shop --env prod --strategy canary && meridian releases list web --project shop
  meridian export web --project shop > web.yaml && meridian apply -f web.yaml
  meridian deploy api --project shop --env dev --ref main && meridian builds list api --project shop
  meridian webhooks set api --project shop --env dev && meridian domains list web --project shop

Config: $MERIDIAN_CONFIG or \${XDG_CONFIG_HOME:-~/.config}/meridian/config.json. Env: MERIDIAN_SERVER, MERIDIAN_TOKEN,
NO_COLOR, MERIDIAN_DEBUG=1 (stack traces). Exit codes: 0 ok, 1 error, 2 usage error.`,
    );
  registerUpCommand(program);
  registerAuthCommands(program, env);
  registerContextCommands(program, env);
  registerOrgCommands(program, env);
  registerTeamCommands(program, env);
  registerProjectCommands(program, env);
  registerEnvCommands(program, env);
  registerMemberCommands(program, env);
  registerInviteCommands(program, env);
  registerRoleCommands(program, env);
  registerTokenCommands(program, env);
  registerAuditCommands(program, env);
  registerClusterCommands(program, env);
  registerGetCommand(program, env);
  registerDescribeCommand(program, env);
  registerApplyCommand(program, env);
  registerCreateCommands(program, env);
  registerWorkloadCommands(program, env);
  registerLogsCommand(program, env);
  registerAppCommands(program, env);
  registerReleaseCommands(program, env);
  registerBuildCommands(program, env);
  registerWebhookCommands(program, env);
  registerDomainCommands(program, env);
  registerExportCommand(program, env);
  registerSecretCommands(program, env);
  registerCostCommands(program, env);
  return program;
}

/** Prints an error the way every command does and returns the exit code. */
export function reportError(err: unknown, env: CliEnv): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) return 0;
    return 2;
  }
  const write = (s: string) => process.stderr.write(`${s}\n`);
  if (err instanceof CliError) {
    write(`error: ${err.message}`);
    if (env.debug && err.stack) write(err.stack);
    return err.exitCode;
  }
  if (err instanceof AppError) {
    write(`error: ${err.message}`);
    for (const line of describeDetails(err)) if (!err.message.includes(line.slice(2))) write(`  ${line}`);
    const hint = hintFor(err);
    if (hint) write(hint);
    if (env.debug) write(String((err as Error).stack ?? ""));
    return 1;
  }
  write(`error: ${err instanceof Error ? err.message : String(err)}`);
  if (env.debug && err instanceof Error && err.stack) write(err.stack);
  return 1;
}

function describeDetails(err: AppError): string[] {
  const issues = err.details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((i: { path?: unknown; message?: unknown }) => {
    const path = Array.isArray(i.path) ? i.path.join(".") : typeof i.path === "string" ? i.path : "";
    return `- ${path ? `${path}: ` : ""}${String(i.message ?? "invalid")}`;
  });
}

function hintFor(err: AppError): string | undefined {
  if (err.code === "not_found" && /^organization not found/.test(err.message)) return "hint: check --org, or see `meridian orgs list`";
  if (err.code === "unauthenticated") return "hint: your token may be expired or revoked; run `meridian login`";
  if (err.code === "unavailable" && !(err instanceof ApiError)) return "hint: is the server running? check --server or `meridian context list`";
  return undefined;
}

export async function main(argv: string[], env: CliEnv = readCliEnv()): Promise<number> {
  const program = createProgram(env);
  try {
    await program.parseAsync(renameClusterAddFlags(argv));
    return 0;
  } catch (err) {
    return reportError(err, env);
  }
}
