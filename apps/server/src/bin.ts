import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { runUp } from "./run-up.js";
import { rotateKeys } from "./secrets/rotate-keys.js";

// `npm start` runs this; the full CLI (apps/cli) runs it too for `meridian up` and `meridian keys rotate`.
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" } },
});
const command = positionals.slice(0, 2).join(" ") || "up";
if (command === "up") {
  await runUp({ port: values.port ? Number(values.port) : undefined, host: values.host, dataDir: values["data-dir"] });
} else if (command === "keys rotate") {
  try {
    const config = loadConfig({ dataDir: values["data-dir"] }, process.env, (p) => readFileSync(p, "utf8"));
    await rotateKeys(config, (line) => process.stdout.write(`${line}\n`));
    process.exit(0);
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigError ? e.message : `keys rotate failed: ${(e as Error).message}`}\n`);
    process.exit(1);
  }
} else {
  process.stderr.write(`unknown command '${command}'; this entry point runs 'up' and 'keys rotate' (use the meridian CLI for the rest)\n`);
  process.exit(2);
}
