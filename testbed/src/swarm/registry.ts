import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { logStep } from "../lib/log.js";
import { assertPortsFree } from "../lib/preflight.js";
import { findDaemon, startDaemon } from "../lib/processes.js";
import { waitFor } from "../lib/run.js";
import type { SwarmContext } from "./context.js";

/** Debian's docker-registry (distribution 2.8) on loopback, storing under the run dir. */
export async function startRegistry(ctx: SwarmContext): Promise<void> {
  if (findDaemon(ctx.runDir, "registry") !== undefined) return;
  await assertPortsFree({ registry: ctx.registryPort });
  const storage = join(ctx.runDir, "registry");
  mkdirSync(storage, { recursive: true });
  const config = join(ctx.runDir, "registry.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log: { level: warn }",
      "storage:",
      `  filesystem: { rootdirectory: "${storage}" }`,
      "  delete: { enabled: true }",
      "http:",
      `  addr: "${ctx.registry}"`,
      "",
    ].join("\n"),
  );
  logStep(`starting registry on ${ctx.registry}`);
  await startDaemon(ctx.runDir, { name: "registry", argv: ["docker-registry", "serve", config] });
  await waitFor("registry /v2/", async () => (await fetch(`http://${ctx.registry}/v2/`)).ok, 30_000);
}
