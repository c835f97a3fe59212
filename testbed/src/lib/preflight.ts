import { mkdirSync, statfsSync } from "node:fs";
import { createServer } from "node:net";
import { TestbedError } from "./log.js";

/** Resolves true when host:port can be bound right now. */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Refuses clearly when one of the ports is taken by something that is not ours. */
export async function assertPortsFree(ports: Record<string, number>): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (!(await isPortFree(port))) taken.push(`${name} 127.0.0.1:${port}`);
  }
  if (taken.length > 0) {
    throw new TestbedError(
      `port(s) already in use by a process this testbed did not start: ${taken.join(", ")}. ` +
        "Stop that process or choose other ports with the MERIDIAN_TESTBED_*_PORT env vars (docs/testbed.md).",
    );
  }
}

/** Refuses clearly when the file system holding dir has less than minGiB free. */
export function assertDiskFree(dir: string, minGiB: number, purpose: string): void {
  mkdirSync(dir, { recursive: true });
  const stats = statfsSync(dir);
  const freeGiB = (stats.bavail * stats.bsize) / 1024 ** 3;
  if (freeGiB < minGiB) {
    throw new TestbedError(
      `only ${freeGiB.toFixed(1)} GiB free under ${dir}; ${purpose} needs at least ${minGiB} GiB. ` +
        "Free some space or point MERIDIAN_CACHE_DIR at a larger disk.",
    );
  }
}
