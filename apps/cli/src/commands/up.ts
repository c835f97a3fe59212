import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { CliError, UsageError } from "../errors.js";

interface UpOptions {
  port: string;
  host: string;
  dataDir?: string;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** `up` and `keys rotate`: both run the server bundle on this host (they need the data dir, not the API). */
export function registerUpCommand(program: Command): void {
  program
    .command("up")
    .description("Run the Meridian server (embedded PostgreSQL, web UI and API)")
    .option("--port <port>", "port to listen on", "8080")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--data-dir <dir>", "where the database and state live (default: ./.meridian)")
    .action(async (opts: UpOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535 (got "${opts.port}")`);
      const code = await runServer(["up", "--port", String(port), "--host", opts.host, ...(opts.dataDir ? ["--data-dir", opts.dataDir] : [])]);
      process.exitCode = code;
    });
  const keys = program.command("keys").description("Master keys that encrypt secrets at rest (run on the server's host)");
  keys
    .command("rotate")
    .description("Add a new master key to the key file and rewrap every data key under it; the running server keeps serving")
    .option("--data-dir <dir>", "the server's data dir (default: ./.meridian)")
    .action(async (opts: { dataDir?: string }) => {
      process.exitCode = await runServer(["keys", "rotate", ...(opts.dataDir ? ["--data-dir", opts.dataDir] : [])]);
    });
}

/**
 * Runs the server bundle as a child with plain node (this CLI itself runs under tsx, whose loader hooks the
 * server must not share), passing signals on so SIGTERM drains it, and returns its exit code.
 */
async function runServer(args: string[]): Promise<number> {
  const build = spawnSync(process.execPath, [join(repoRoot, "scripts/build-server.mjs")], { stdio: "inherit" });
  const bundle = join(repoRoot, "apps/server/dist/meridian.mjs");
  if (build.status !== 0 || !existsSync(bundle)) throw new CliError("cannot build the server bundle (scripts/build-server.mjs)");
  const child = spawn(process.execPath, [bundle, ...args], { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGTERM", forward);
  process.on("SIGINT", forward);
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      process.off("SIGTERM", forward);
      process.off("SIGINT", forward);
      resolve(code ?? (signal ? 128 + (signal === "SIGKILL" ? 9 : 15) : 1));
    });
  });
}
