import type { Command } from "commander";
import { CliError, UsageError } from "../errors.js";

interface UpOptions {
  port: string;
  host: string;
  dataDir?: string;
}

type RunUp = (opts: { port?: number; host?: string; dataDir?: string }) => Promise<void>;

export function registerUpCommand(program: Command): void {
  program
    .command("up")
    .description("Run the Meridian server in this process (embedded PostgreSQL, web UI and API)")
    .option("--port <port>", "port to listen on", "8080")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--data-dir <dir>", "where the database and state live (default: the server's)")
    .action(async (opts: UpOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535 (got "${opts.port}")`);
      const runUp = await loadRunUp();
      await runUp({ port, host: opts.host, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
    });
}

/** Imported lazily so every other command starts without loading the server. */
async function loadRunUp(): Promise<RunUp> {
  try {
    return (await import("@meridian/server")).runUp;
  } catch (err) {
    throw new CliError(`cannot load the server (@meridian/server): ${(err as Error).message}`);
  }
}
