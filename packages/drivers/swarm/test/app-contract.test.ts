import { request } from "node:http";
import type { AppTarget } from "@meridian/core";
import { createSwarmConnection } from "@meridian/driver-swarm";
import { describeAppDriverContract } from "@meridian/testing/app-contract";
import { ensureSwarmTestbed } from "@meridian/testing/testbed";
import { afterAll } from "vitest";
import { runDocker } from "./helpers.js";

const tb = await ensureSwarmTestbed();
// The netns workers cannot pull digest-pinned images from the loopback registry: app slots run on the manager.
const connection = createSwarmConnection({ host: tb.dockerHost }, { router: { caddyAdminUrl: tb.router.adminUrl }, appConstraints: ["node.role==manager"] });
afterAll(() => connection.close());

const names = async (args: string[]) => (await runDocker(tb.dockerHost, args)).split("\n").filter((n) => n !== "");

/** Caddy route ids of the app, read from Caddy's config directly (not through the driver). */
async function listCaddyRoutes(app: string): Promise<string[]> {
  const routes = (await (await fetch(`${tb.router.adminUrl}/config/apps/http/servers/meridian/routes`)).json()) as { "@id"?: string; handle?: Record<string, unknown>[] }[] | null;
  return (routes ?? []).filter((r) => r.handle?.some((h) => h["meridian.app"] === app)).map((r) => `caddy-route/${r["@id"]}`);
}

/** GET through Caddy's HTTP listener with the route's Host header (node:http: fetch does not let a caller set Host). */
function fetchThroughCaddy(host: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(tb.router.httpUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

describeAppDriverContract({
  runtime: "swarm",
  driver: () => connection.apps,
  namespace: "contract",
  images: { v1: tb.images.testapp.v1 ?? "", v2: tb.images.testapp.v2 ?? "" },
  async listObjects(t: AppTarget) {
    const filter = `label=meridian.dev/app=${t.app}`;
    const [services, secrets, routes] = await Promise.all([
      names(["service", "ls", "--filter", filter, "--format", "service/{{.Name}}"]),
      names(["secret", "ls", "--filter", filter, "--format", "secret/{{.Name}}"]),
      listCaddyRoutes(t.app),
    ]);
    return [...services, ...secrets, ...routes].sort();
  },
  fetchThroughRouter: fetchThroughCaddy,
});
