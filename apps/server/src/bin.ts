import { parseArgs } from "node:util";
import { runUp } from "./run-up.js";

// `npm start` runs this; the full CLI (apps/cli) has `meridian up` too.
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" } },
});
const command = positionals[0] ?? "up";
if (command !== "up") {
  process.stderr.write(`unknown command ${command}; this entry point runs only 'up' (use the meridian CLI for the rest)\n`);
  process.exit(2);
}
await runUp({ port: values.port ? Number(values.port) : undefined, host: values.host, dataDir: values["data-dir"] });
