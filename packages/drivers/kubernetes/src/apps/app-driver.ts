import { AppError, type AppObservation, type AppTarget, type ApplyResult, type ClusterDriver, type Slot, slots } from "@meridian/core";
import type { Resolver } from "../discovery.js";
import type { KubeHttp } from "../kube-http.js";
import type { LogReader } from "../logs.js";
import { type Operations, deletionResult } from "../operations.js";
import { toMillicores } from "../quantity.js";
import { type ApiResource, builtin, pathOf } from "../resources.js";
import { type Obj, canaryIngressName, containerName, ownerSelector, slotName } from "./names.js";
import { observeAutoscaler, observeSlot } from "./observe.js";
import { renderApp } from "./render.js";
import { type RoutingOptions, activeSlot, readTraffic, renderRouting, routingInputFromLive } from "./routing.js";
import { assertDesiredApp, assertTarget, trafficProblems } from "./validate.js";

/**
 * Apps on Kubernetes. Per slot a Deployment and a Service `<app>-<slot>`; one Service `<app>` on the active slot (the
 * one with the most traffic) for in-cluster callers; weighted routing by one HTTPRoute `<app>` when the cluster serves
 * the Gateway API, else an Ingress `<app>` plus an ingress-nginx canary Ingress `<app>-canary`; an HPA `<app>`; desired
 * secrets as immutable Secrets; a claim per volume. Everything is applied with server-side apply (field manager
 * meridian), carries appLabels(), and what is labelled for the app but no longer rendered is deleted.
 *
 * Certificates become `kubernetes.io/tls` Secrets `<app>-tls-<host>`. The Ingress references them in spec.tls. A
 * Gateway terminates TLS on its listeners, which belong to whoever runs the Gateway, so the HTTPRoute only lists them
 * (annotation meridian.dev/tls-secrets, `host=secret,…`); a Gateway in another namespace also needs a ReferenceGrant.
 */
export interface KubeAppDriverOptions {
  /** "auto" (default): an HTTPRoute when the cluster serves gateway.networking.k8s.io/v1, else Ingress objects. */
  routing?: "auto" | "gateway" | "ingress";
  /** The Gateway HTTPRoutes attach to; default `meridian` in the app's namespace. */
  gateway?: { name?: string; namespace?: string };
  /** spec.ingressClassName of rendered Ingresses; the cluster's default class when left out. */
  ingressClassName?: string;
}

const httpRouteApiVersion = "gateway.networking.k8s.io/v1";
/** How long "the cluster does not serve HTTPRoute" is believed before discovery is asked again. */
const absentTtlMs = 30_000;

export function createKubeAppDriver(http: KubeHttp, resolver: Resolver, ops: Operations, logs: LogReader, opts: KubeAppDriverOptions = {}): ClusterDriver {
  const deployments = builtin("Deployment");
  const services = builtin("Service");
  const ingresses = builtin("Ingress");
  const secrets = builtin("Secret");
  const pods = builtin("Pod");
  const claims = builtin("PersistentVolumeClaim");
  let httpRouteAbsentUntil = 0;

  async function httpRouteResource(): Promise<ApiResource | null> {
    if (Date.now() < httpRouteAbsentUntil) return null;
    try {
      return await resolver.resolve("HTTPRoute", httpRouteApiVersion);
    } catch (err) {
      if (!(err instanceof AppError && err.code === "invalid_input")) throw err;
      httpRouteAbsentUntil = Date.now() + absentTtlMs;
      return null;
    }
  }
  const hpaResource = () => resolver.resolve("HorizontalPodAutoscaler", "autoscaling/v2");

  async function routingOptions(t: AppTarget): Promise<RoutingOptions> {
    const gateway = { name: opts.gateway?.name ?? "meridian", namespace: opts.gateway?.namespace ?? t.namespace };
    const mode = opts.routing ?? "auto";
    if (mode === "ingress") return { routing: "ingress", gateway, ingressClassName: opts.ingressClassName };
    const served = (await httpRouteResource()) !== null;
    if (mode === "gateway" && !served) throw new AppError("unavailable", "the driver is set to route with the Gateway API, but the cluster does not serve gateway.networking.k8s.io/v1 HTTPRoute (install the Gateway API CRDs)");
    return { routing: served ? "gateway" : "ingress", gateway, ingressClassName: opts.ingressClassName };
  }

  async function list(res: ApiResource, ns: string, selector: string): Promise<Obj[]> {
    const body = await http.request<Obj>("GET", `${pathOf(res, ns)}?${new URLSearchParams({ labelSelector: selector })}`);
    return (body.items ?? []) as Obj[];
  }

  async function getOrNull(res: ApiResource, ns: string, name: string): Promise<Obj | null> {
    const r = await http.requestRaw("GET", pathOf(res, ns, name));
    if (r.status === 404) return null;
    if (r.status !== 200) await http.request("GET", pathOf(res, ns, name)); // throws the cluster's error
    return JSON.parse(r.body) as Obj;
  }

  /** Gone already is fine: deletes race with the garbage collector and with other deletes. */
  async function remove(res: ApiResource, ns: string, name: string, propagationPolicy: "Foreground" | "Background" = "Background"): Promise<void> {
    const r = await http.requestRaw("DELETE", pathOf(res, ns, name), { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy } });
    if (r.status !== 404 && (r.status < 200 || r.status >= 300)) await http.request("DELETE", pathOf(res, ns, name));
  }

  /** Every kind the driver renders (HTTPRoute only when served), for pruning, deletion and existence. */
  async function ownedKinds(): Promise<ApiResource[]> {
    const route = await httpRouteResource();
    return [deployments, services, ingresses, secrets, await hpaResource(), ...(route ? [route] : [])];
  }

  async function listOwned(t: AppTarget, kinds: ApiResource[]): Promise<{ res: ApiResource; obj: Obj }[]> {
    const lists = await Promise.all(kinds.map(async (res) => (await list(res, t.namespace, ownerSelector(t))).map((obj) => ({ res, obj }))));
    return lists.flat();
  }

  return {
    runtime: "kubernetes",

    async applyApp(desired, { dryRun }): Promise<ApplyResult[]> {
      assertDesiredApp(desired);
      const t = desired.target;
      const routing = await routingOptions(t);
      const liveReplicas: Partial<Record<Slot, number>> = {};
      const scaled = desired.autoscaling?.slot;
      if (scaled) {
        const live = await getOrNull(deployments, t.namespace, slotName(t.app, scaled));
        if (typeof live?.spec?.replicas === "number") liveReplicas[scaled] = live.spec.replicas;
      }
      const objects = renderApp(desired, { ...routing, liveReplicas });
      // List items carry no kind, so objects are matched by the resource they were listed from.
      const wanted = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
      // Claims hold data: a volume dropped from the spec keeps its claim until the app is deleted.
      const owned = await listOwned(t, await ownedKinds());
      const stale = owned.filter(({ res, obj }) => !wanted.has(`${res.kind}/${obj.metadata?.name}`) && !obj.metadata?.deletionTimestamp);
      // Applying to an object that is being deleted changes it and then loses it: the slot would vanish afterwards.
      const leaving = owned.filter(({ res, obj }) => wanted.has(`${res.kind}/${obj.metadata?.name}`) && obj.metadata?.deletionTimestamp);
      if (leaving.length && !dryRun) {
        const names = leaving.map(({ res, obj }) => `${res.kind} ${obj.metadata.name}`).join(", ");
        throw new AppError("unavailable", `${names} of ${t.app} is still being removed; apply again once it is gone`);
      }
      const results = await ops.applyObjects(objects, { dryRun, defaultNamespace: t.namespace, parallel: true });
      if (dryRun) return [...results, ...stale.map(({ res, obj }) => deletionResult(res, obj))];
      // A removed slot's Deployment goes in the foreground, so it is observed until its pods are gone.
      await Promise.all(stale.map(({ res, obj }) => remove(res, t.namespace, String(obj.metadata.name), res.kind === "Deployment" ? "Foreground" : "Background")));
      return results;
    },

    async setTraffic(t, routes, traffic) {
      assertTarget(t);
      const present = slots.filter((s) => traffic[s] !== undefined);
      const problems = trafficProblems(traffic, present);
      if (problems.length) throw new AppError("invalid_input", problems.join("; "), { details: { problems } });
      const active = activeSlot(traffic, present);
      if (!active) return;
      const routing = await routingOptions(t);
      const route = routing.routing === "gateway" ? await httpRouteResource() : null;
      const [activeService, main] = await Promise.all([
        getOrNull(services, t.namespace, slotName(t.app, active)),
        route ? getOrNull(route, t.namespace, t.app) : getOrNull(ingresses, t.namespace, t.app),
      ]);
      if (!activeService) throw new AppError("conflict", `slot ${active} of ${t.app} has no Service to send traffic to (apply the app first)`);
      const objects = renderRouting(routingInputFromLive(t, routes, traffic, { activeService, routing: main ? [main] : [] }), routing);
      await ops.applyQuick(objects, t.namespace);
      if (routing.routing === "ingress" && !objects.some((o) => o.metadata.name === canaryIngressName(t.app))) await remove(ingresses, t.namespace, canaryIngressName(t.app));
    },

    async observeApp(t): Promise<AppObservation> {
      assertTarget(t);
      const sel = ownerSelector(t);
      const routing = await routingOptions(t);
      const route = routing.routing === "gateway" ? await httpRouteResource() : null;
      const [deps, podList, hpas, ings, routeObjs, svcs, secs, pvcs] = await Promise.all([
        list(deployments, t.namespace, sel),
        list(pods, t.namespace, sel),
        hpaResource().then((res) => list(res, t.namespace, sel)),
        list(ingresses, t.namespace, sel),
        route ? list(route, t.namespace, sel) : Promise.resolve([]),
        list(services, t.namespace, sel),
        list(secrets, t.namespace, sel),
        list(claims, t.namespace, sel),
      ]);
      const slotObs = slots.flatMap((s) => {
        const dep = deps.find((d) => d.metadata?.name === slotName(t.app, s));
        return dep ? [observeSlot(s, dep, podList.filter((p) => p.metadata?.labels?.["meridian.dev/slot"] === s))] : [];
      });
      const byName = (xs: Obj[], name: string) => xs.find((x) => x.metadata?.name === name) ?? null;
      const hpa = byName(hpas, t.app);
      const traffic = readTraffic(
        t.app,
        { httpRoute: byName(routeObjs, t.app), ingress: route ? null : byName(ings, t.app), canary: route ? null : byName(ings, canaryIngressName(t.app)) },
        slotObs.map((s) => s.slot),
      );
      return {
        exists: [deps, hpas, ings, routeObjs, svcs, secs, pvcs].some((xs) => xs.length > 0),
        slots: slotObs,
        traffic,
        autoscaling: observeAutoscaler(hpa, hpa ? byName(deps, String(hpa.spec?.scaleTargetRef?.name)) : null),
      };
    },

    async sampleTraffic() {
      // No router on the cluster reports per-backend request counts to Meridian; analysis gates use PromQL.
      return null;
    },

    async sampleCpu(t, slot) {
      assertTarget(t);
      const sel = ownerSelector(t, slot);
      const r = await http.requestRaw("GET", `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(t.namespace)}/pods?${new URLSearchParams({ labelSelector: sel })}`);
      // No metrics API (or it is down): no samples, as the contract allows.
      if (r.status !== 200) return [];
      const usage = new Map<string, number>();
      for (const m of (JSON.parse(r.body).items ?? []) as Obj[]) {
        const c = ((m.containers ?? []) as Obj[]).find((x) => x.name === containerName);
        if (c) usage.set(String(m.metadata?.name), toMillicores(c.usage?.cpu));
      }
      const out: number[] = [];
      for (const p of await list(pods, t.namespace, sel)) {
        const used = usage.get(String(p.metadata?.name));
        const c = ((p.spec?.containers ?? []) as Obj[]).find((x) => x.name === containerName);
        const base = toMillicores(c?.resources?.limits?.cpu) || toMillicores(c?.resources?.requests?.cpu);
        if (used !== undefined && base > 0) out.push((used * 100) / base);
      }
      return out;
    },

    async serveChallenge() {
      // Meridian does not run a router inside Kubernetes clusters; the ingress controller or Gateway owns port 80.
      throw new AppError("invalid_input", "Meridian cannot answer HTTP challenges on Kubernetes: upload the domain's certificate, or let cert-manager issue it (the Ingress/Gateway then serves it)");
    },

    async deleteApp(t) {
      assertTarget(t);
      const owned = await listOwned(t, [...(await ownedKinds()), claims]);
      await Promise.all(owned.map(({ res, obj }) => remove(res, t.namespace, String(obj.metadata.name))));
    },

    streamAppLogs(t, opts, signal) {
      assertTarget(t);
      const what = opts.slot ? `slot ${opts.slot} of ${t.app}` : t.app;
      return logs.streamSelected(t.namespace, ownerSelector(t, opts.slot), what, { ...opts, container: opts.container ?? containerName }, signal);
    },
  };
}
