import { AppError, type AppTarget, type ApplyResult, type ClusterDriver, type DesiredApp, type Slot } from "@meridian/core";
import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import { applyServiceSpec } from "../apply.js";
import type { DockerClient } from "../docker-client.js";
import { type SlotState, listSlotServices, readNodeAddresses, readSlotStates } from "./app-state.js";
import { type RouterOptions, createCaddyAdmin } from "./caddy-admin.js";
import { syncCertificates } from "./caddy-certificates.js";
import { listChallengeRouteIds, renderChallengeRoute } from "./caddy-routes.js";
import { sampleSlotCpu } from "./cpu-samples.js";
import { streamSlotLogs } from "./logs.js";
import { getProjectNetworkName, listDockerSecrets } from "./names.js";
import { ensureProjectNetwork } from "./network.js";
import { observeAutoscaling, observeSlot } from "./observe.js";
import { renderService, resolvePort } from "./render-service.js";
import { createRouteKeeper } from "./route-keeper.js";
import { type Router, readAppRoutes, resyncUpstreams, syncAppRoutes } from "./route-sync.js";
import { ensureSecrets, listAppSecrets, removeUnusedSecrets } from "./secrets.js";

type Log = (msg: string, extra?: object) => void;

export interface SwarmAppOptions {
  /** Caddy, the apps' router. Without it, an app with routes is refused at apply time. */
  router?: RouterOptions;
  /** Placement constraints every slot's service gets (e.g. ["node.role==manager"]). */
  constraints?: string[];
  /** Attach slots to the project's overlay network (default true). */
  projectNetworks?: boolean;
  /** How often the route keeper re-syncs upstreams with ready tasks (default 2 s). */
  routeResyncMs?: number;
}

export interface SwarmAppDriver {
  driver: ClusterDriver;
  /** Starts the route keeper (idempotent); the connection calls it when it is in use. */
  startRouteKeeper(): void;
  close(): Promise<void>;
}

/** Meridian's apps on Swarm: a service per slot, weighted routes in Caddy, observation and CPU samples. */
export function createSwarmAppDriver(client: DockerClient, opts: SwarmAppOptions, log: Log): SwarmAppDriver {
  const router: Router | undefined = opts.router && { admin: createCaddyAdmin(opts.router), ...(opts.router.upstreamHost && { upstreamHost: opts.router.upstreamHost }) };
  const keeper = router && createRouteKeeper(client, router, log, opts.routeResyncMs ?? 2_000);
  const startRouteKeeper = () => keeper?.start();
  const constraints = opts.constraints ?? [];
  let selfNodeId: Promise<string | undefined> | undefined;

  function requireRouter(what: string): Router {
    if (!router) throw new AppError("invalid_input", `${what} needs a router, and this Swarm connection has none (connect it with router.caddyAdminUrl)`);
    return router;
  }

  function checkDesired(desired: DesiredApp): void {
    if (desired.routes.length > 0) requireRouter(`app ${desired.target.app} has routes: it`);
    for (const route of desired.routes) for (const slot of desired.slots) resolvePort(slot, route.port);
    if (desired.certificates && desired.certificates.length > 0) requireRouter(`app ${desired.target.app} has certificates: it`);
  }

  async function removeSlot(state: { slot: Slot; service: { ID: string; Spec?: object } }, t: AppTarget, dryRun: boolean): Promise<ApplyResult> {
    if (!dryRun) await client.requestText({ method: "DELETE", path: `/services/${state.service.ID}` }).catch(ignoreNotFound);
    const name = state.service.Spec && "Name" in state.service.Spec ? String(state.service.Spec.Name) : state.slot;
    const diff = createTwoFilesPatch(`${name} (live)`, `${name} (applied)`, stringify(state.service.Spec ?? {}), "", undefined, undefined, { context: 0 }).replace(/^=+\n/, "");
    // ApplyResult has no "deleted"; a removal is a change whose diff empties the object.
    return { kind: "SwarmService", namespace: t.namespace, name, action: "configured", diff };
  }

  const driver: ClusterDriver = {
    runtime: "swarm",

    async applyApp(desired, { dryRun }) {
      startRouteKeeper();
      checkDesired(desired);
      const t = desired.target;
      const results: ApplyResult[] = [];
      const network = opts.projectNetworks === false ? null : getProjectNetworkName(t);
      if (network) {
        const created = await ensureProjectNetwork(client, t, network, dryRun);
        if (created) results.push(created);
      }
      const secretItems = listDockerSecrets(desired.secrets);
      results.push(...(await ensureSecrets(client, t, secretItems, await listAppSecrets(client, t), dryRun)));
      const existing = await listSlotServices(client, t);
      const secretEnvNames = [...new Set(desired.slots.flatMap((s) => s.secretEnv.map((e) => e.env)))];
      for (const slot of desired.slots) {
        const spec = renderService({
          target: t,
          slot,
          secrets: secretItems,
          network,
          constraints,
          autoscaling: desired.autoscaling,
        });
        results.push(await applyServiceSpec(client, spec, { dryRun, pendingRefs: true, redactEnv: secretEnvNames }, log));
      }
      const wantedSlots = new Set(desired.slots.map((s) => s.slot));
      for (const stale of existing.filter((e) => !wantedSlots.has(e.slot))) results.push(await removeSlot(stale, t, dryRun));
      if (router) {
        // Certificates before routes: a host is never routed over TLS without its certificate loaded.
        results.push(...(await syncCertificates(router.admin, t, desired.certificates ?? [], dryRun)));
        results.push(...(await syncAppRoutes(client, router, t, { routes: desired.routes, traffic: desired.traffic, dryRun })).results);
      }
      if (!dryRun) await removeUnusedSecrets(client, t, new Set(secretItems.map((s) => s.name)));
      return results;
    },

    async setTraffic(target, routes, traffic) {
      startRouteKeeper();
      const r = requireRouter("setTraffic");
      await syncAppRoutes(client, r, target, { routes, traffic, dryRun: false });
    },

    async observeApp(target) {
      const [states, secrets] = await Promise.all([readSlotStates(client, target), listAppSecrets(client, target)]);
      let traffic: Partial<Record<Slot, number>> | null = null;
      let routeCount = 0;
      if (router) {
        // Observation is also a re-sync of upstreams (conditional: never undoes a concurrent weight change).
        const { all, owned } = await readAppRoutes(router.admin, target);
        if (owned.length > 0) {
          const nodes = router.upstreamHost ? new Map<string, string>() : await readNodeAddresses(client);
          await resyncUpstreams(router, owned, all, () => states, nodes);
        }
        routeCount = owned.length;
        traffic = owned[0]?.traffic ?? null;
      }
      const now = Date.now();
      return {
        exists: states.length > 0 || secrets.length > 0 || routeCount > 0,
        slots: states.map((s) => observeSlot(s, now)),
        traffic,
        autoscaling: observeAutoscaling(states),
      };
    },

    async sampleTraffic() {
      // Caddy 2.6's metrics are per server and handler module, not per upstream or route: no per-slot counts.
      return null;
    },

    async sampleCpu(target, slot) {
      const state = (await readSlotStates(client, target)).find((s: SlotState) => s.slot === slot);
      if (!state) return [];
      selfNodeId ??= client
        .requestJson<{ Swarm?: { NodeID?: string } }>({ path: "/info" })
        .then((info) => info.Swarm?.NodeID)
        .catch((error: unknown) => {
          selfNodeId = undefined;
          throw error;
        });
      return sampleSlotCpu(client, state, await selfNodeId);
    },

    async serveChallenge(target, host, path, body) {
      const r = requireRouter("serving an HTTP challenge");
      const route = renderChallengeRoute(target, host, path, body ?? "");
      const id = route["@id"] as string;
      const routes = await r.admin.listRoutes();
      const current = routes.find((x) => x["@id"] === id);
      if (body === null) {
        if (current) await r.admin.deleteById(id);
      } else if (current) await r.admin.replaceById(id, route);
      // First: an app route for the same host must not answer the challenge path.
      else await r.admin.insertRoute(0, route);
    },

    async deleteApp(target) {
      if (router) {
        const { all, owned } = await readAppRoutes(router.admin, target);
        for (const id of [...owned.map((o) => o.id), ...listChallengeRouteIds(all, target)]) await router.admin.deleteById(id);
        await syncCertificates(router.admin, target, [], false);
      }
      for (const { service } of await listSlotServices(client, target)) {
        await client.requestText({ method: "DELETE", path: `/services/${service.ID}` }).catch(ignoreNotFound);
      }
      // Docker refuses to delete a secret while a service spec references it; the services are gone by now,
      // but give the engine a moment if it still says "in use".
      for (let attempt = 0; attempt < 20; attempt++) {
        await removeUnusedSecrets(client, target, new Set());
        if ((await listAppSecrets(client, target)).length === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    },

    streamAppLogs(target, logOpts, signal) {
      return streamSlotLogs(client, target, logOpts, signal);
    },
  };
  return { driver, startRouteKeeper, close: async () => keeper?.stop() };
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof AppError && error.code === "not_found")) throw error;
}
