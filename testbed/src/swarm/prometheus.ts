import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { logStep } from "../lib/log.js";
import { assertPortsFree } from "../lib/preflight.js";
import { findDaemon, startDaemon, stopDaemon } from "../lib/processes.js";
import { waitFor } from "../lib/run.js";
import { getCaddyPorts } from "./caddy.js";
import type { SwarmContext } from "./context.js";

/**
 * Debian's Prometheus for release analysis tests (PromQL gates): it scrapes the testbed Caddy's metrics every
 * second, so queries over the router's request counters have data while a canary runs.
 */
export const prometheusPort = 19090;
export const getPrometheusUrl = () => `http://127.0.0.1:${prometheusPort}`;

export async function startPrometheus(ctx: SwarmContext): Promise<void> {
  if (findDaemon(ctx.runDir, "prometheus") !== undefined) return;
  await assertPortsFree({ prometheus: prometheusPort });
  const dir = join(ctx.runDir, "prometheus");
  mkdirSync(join(dir, "data"), { recursive: true });
  const config = `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: caddy\n    static_configs:\n      - targets: ["127.0.0.1:${getCaddyPorts().admin}"]\n`;
  writeFileSync(join(dir, "prometheus.yml"), config);
  logStep(`starting prometheus (${getPrometheusUrl()}, scraping caddy)`);
  await startDaemon(ctx.runDir, {
    name: "prometheus",
    argv: ["prometheus", `--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${prometheusPort}`, "--storage.tsdb.retention.time=2h"],
  });
  await waitFor("prometheus ready", async () => (await fetch(`${getPrometheusUrl()}/-/ready`).catch(() => null))?.ok === true, 60_000);
}

export async function stopPrometheus(ctx: SwarmContext): Promise<boolean> {
  return stopDaemon(ctx.runDir, "prometheus");
}
