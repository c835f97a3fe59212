import { AppError, type AppTarget, type DesiredApp, type Slot, type SlotSpec, appLabels, slots } from "@meridian/core";
import { type Obj, canaryIngressName, podSelector, slotName, slotOfName, tlsSecretsAnnotation } from "./names.js";

/**
 * Weighted routing to the slots, rendered and read back the same way, so the weights in AppObservation.traffic
 * are the ones the routing objects hold. Gateway API: one HTTPRoute whose backendRefs carry the weights.
 * Ingress: the main Ingress points at the active slot and an ingress-nginx canary Ingress at the other one.
 */
export interface RoutingOptions {
  routing: "gateway" | "ingress";
  /** The Gateway the HTTPRoute attaches to. */
  gateway: { name: string; namespace: string };
  ingressClassName?: string;
}

export interface RoutingInput {
  target: AppTarget;
  routes: DesiredApp["routes"];
  traffic: Partial<Record<Slot, number>>;
  /** Slots that exist (in order of preference when weights tie). */
  slots: Slot[];
  /** Ports of the active slot: the `<app>` Service's, and how route ports resolve to numbers. */
  ports: Pick<SlotSpec["ports"][number], "name" | "port">[];
  tls: { host: string; secretName: string }[];
}

const canaryAnnotation = "nginx.ingress.kubernetes.io/canary";
const canaryWeightAnnotation = "nginx.ingress.kubernetes.io/canary-weight";
const canaryTotalAnnotation = "nginx.ingress.kubernetes.io/canary-weight-total";

export const servicePorts = (ports: RoutingInput["ports"]) => ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" }));

/** The slot with the most traffic; a tie goes to the slot listed first. Null when no slot exists. */
export function activeSlot(traffic: Partial<Record<Slot, number>>, slots: Slot[]): Slot | null {
  let best: Slot | null = null;
  for (const s of slots) if (best === null || (traffic[s] ?? 0) > (traffic[best] ?? 0)) best = s;
  return best;
}

/** A route's port as the Service port it names: by name, by number, or the first port when left out. */
function resolvePort(ports: RoutingInput["ports"], port: string | number | undefined): { name: string; port: number } {
  const p = port === undefined ? ports[0] : ports.find((x) => (typeof port === "number" ? x.port === port : x.name === port));
  if (!p) throw new AppError("invalid_input", `route port ${String(port)} is not one of the app's ports (${ports.map((x) => x.name).join(", ") || "none"})`);
  return p;
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

function renderHttpRoute(r: RoutingInput, o: RoutingOptions): Obj {
  const t = r.target;
  const rules = uniq(r.routes.map((x) => `${resolvePort(r.ports, x.port).port} ${x.path}`)).map((key) => {
    const sp = key.indexOf(" ");
    const port = Number(key.slice(0, sp));
    return {
      matches: [{ path: { type: "PathPrefix", value: key.slice(sp + 1) } }],
      backendRefs: r.slots.map((s) => ({ name: slotName(t.app, s), port, weight: r.traffic[s] ?? 0 })),
    };
  });
  // Certificates terminate at the Gateway, which this app does not own: the HTTPRoute names the TLS Secrets Meridian
  // keeps in the app's namespace so the Gateway's operator can reference them.
  const annotations = r.tls.length ? { [tlsSecretsAnnotation]: r.tls.map((x) => `${x.host}=${x.secretName}`).join(",") } : undefined;
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: t.app, namespace: t.namespace, labels: appLabels(t), ...(annotations ? { annotations } : {}) },
    spec: {
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: o.gateway.name, namespace: o.gateway.namespace }],
      hostnames: uniq(r.routes.map((x) => x.host)),
      rules,
    },
  };
}

function ingressRules(r: RoutingInput, slot: Slot): Obj[] {
  return uniq(r.routes.map((x) => x.host)).map((host) => ({
    host,
    http: {
      paths: r.routes
        .filter((x) => x.host === host)
        .map((x) => ({ path: x.path, pathType: "Prefix", backend: { service: { name: slotName(r.target.app, slot), port: { name: resolvePort(r.ports, x.port).name } } } })),
    },
  }));
}

function renderIngresses(r: RoutingInput, o: RoutingOptions, active: Slot): Obj[] {
  const t = r.target;
  const base = (name: string, annotations?: Record<string, string>) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: t.namespace, labels: appLabels(t), ...(annotations ? { annotations } : {}) },
  });
  const hosts = new Set(r.routes.map((x) => x.host));
  const tls = r.tls.filter((x) => hosts.has(x.host)).map((x) => ({ hosts: [x.host], secretName: x.secretName }));
  const main = {
    ...base(t.app),
    spec: { ...(o.ingressClassName ? { ingressClassName: o.ingressClassName } : {}), ...(tls.length ? { tls } : {}), rules: ingressRules(r, active) },
  };
  const other = r.slots.find((s) => s !== active);
  const weight = other ? (r.traffic[other] ?? 0) : 0;
  if (!other || weight <= 0) return [main];
  // ingress-nginx matches a canary Ingress to the main one by host and path; TLS is taken from the main one.
  const canary = {
    ...base(canaryIngressName(t.app), { [canaryAnnotation]: "true", [canaryWeightAnnotation]: String(weight) }),
    spec: { ...(o.ingressClassName ? { ingressClassName: o.ingressClassName } : {}), rules: ingressRules(r, other) },
  };
  return [main, canary];
}

/** The `<app>` Service (in-cluster callers reach the active slot) and the routing objects, if the app has routes. */
export function renderRouting(r: RoutingInput, o: RoutingOptions): Obj[] {
  const t = r.target;
  const active = activeSlot(r.traffic, r.slots);
  if (!active || r.ports.length === 0) return [];
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: t.app, namespace: t.namespace, labels: appLabels(t) },
    spec: { type: "ClusterIP", selector: podSelector(t.app, active), ports: servicePorts(r.ports) },
  };
  if (r.routes.length === 0) return [service];
  return [service, ...(o.routing === "gateway" ? [renderHttpRoute(r, o)] : renderIngresses(r, o, active))];
}

/** Weights in percent (rounded), also when someone edited the objects to weights that do not sum to 100. */
function toPercent(weights: Partial<Record<Slot, number>>): Partial<Record<Slot, number>> {
  const sum = Object.values(weights).reduce<number>((a, b) => a + (b ?? 0), 0);
  if (sum === 100 || sum === 0) return weights;
  return Object.fromEntries(Object.entries(weights).map(([s, w]) => [s, Math.round(((w ?? 0) * 100) / sum)]));
}

/**
 * Traffic per slot as the routing objects hold it; slots that exist but get no traffic report 0. Null when the app
 * has no routing object.
 */
export function readTraffic(app: string, objs: { httpRoute?: Obj | null; ingress?: Obj | null; canary?: Obj | null }, existing: Slot[]): Partial<Record<Slot, number>> | null {
  const weights: Partial<Record<Slot, number>> = {};
  if (objs.httpRoute) {
    const refs = ((objs.httpRoute.spec?.rules ?? [])[0]?.backendRefs ?? []) as Obj[];
    for (const ref of refs) {
      const s = slotOfName(app, ref.name);
      if (s) weights[s] = (weights[s] ?? 0) + (typeof ref.weight === "number" ? ref.weight : 1);
    }
  } else if (objs.ingress) {
    const backend = (o: Obj | null | undefined) => slotOfName(app, o?.spec?.rules?.[0]?.http?.paths?.[0]?.backend?.service?.name);
    const main = backend(objs.ingress);
    const canarySlot = objs.canary?.metadata?.annotations?.[canaryAnnotation] === "true" ? backend(objs.canary) : null;
    const ann = objs.canary?.metadata?.annotations ?? {};
    const total = Number(ann[canaryTotalAnnotation] ?? 100) || 100;
    const w = canarySlot && canarySlot !== main ? Math.min(100, Math.round((Number(ann[canaryWeightAnnotation] ?? 0) * 100) / total)) : 0;
    if (main) weights[main] = 100 - w;
    if (canarySlot && canarySlot !== main) weights[canarySlot] = w;
  } else {
    return null;
  }
  const out = toPercent(weights);
  for (const s of existing) out[s] ??= 0;
  return out;
}

/**
 * The RoutingInput a setTraffic needs, rebuilt from live objects: ports from the Service of the slot that becomes
 * active (its release may have changed them), TLS from the routing objects.
 */
export function routingInputFromLive(target: AppTarget, routes: DesiredApp["routes"], traffic: Partial<Record<Slot, number>>, live: { activeService: Obj | null; routing: Obj[] }): RoutingInput {
  const ports = ((live.activeService?.spec?.ports ?? []) as Obj[]).map((p) => ({ name: String(p.name ?? ""), port: Number(p.port) }));
  const tls: RoutingInput["tls"] = [];
  for (const o of live.routing) {
    for (const entry of (o.spec?.tls ?? []) as Obj[]) for (const host of entry.hosts ?? []) tls.push({ host: String(host), secretName: String(entry.secretName) });
    for (const pair of String(o.metadata?.annotations?.[tlsSecretsAnnotation] ?? "").split(",")) {
      const [host, secretName] = pair.split("=");
      if (host && secretName) tls.push({ host, secretName });
    }
  }
  return { target, routes, traffic, slots: slots.filter((s) => traffic[s] !== undefined), ports, tls };
}
