import { type AppTarget, type DesiredApp, type Probe, type Slot, type SlotSpec, appLabels, slots } from "@meridian/core";
import {
  type Obj,
  containerName,
  podSelector,
  releaseIdAnnotation,
  releaseLabel,
  releaseLabelValue,
  releaseNumberAnnotation,
  slotName,
  tlsSecretName,
  volumeClaimName,
} from "./names.js";
import { renderPlacement } from "./placement.js";
import { type RoutingOptions, activeSlot, renderRouting, servicePorts } from "./routing.js";

/**
 * DesiredApp → Kubernetes objects, pure: the driver applies them with server-side apply and deletes what is left
 * over. Order matters for readers of the preview only (Secrets and claims before the pods that use them).
 */
export interface RenderOptions extends RoutingOptions {
  /** Live spec.replicas per slot Deployment, so an autoscaled slot keeps the count the HPA chose. */
  liveReplicas: Partial<Record<Slot, number>>;
}

/** How long a rollout may make no progress before the Deployment reports ProgressDeadlineExceeded (observed as failed). */
const progressDeadlineSeconds = 120;

const meta = (t: AppTarget, name: string, labels: Record<string, string>, annotations?: Record<string, string>) => ({
  name,
  namespace: t.namespace,
  labels,
  ...(annotations ? { annotations } : {}),
});

function renderProbe(p: Probe | undefined): Obj | undefined {
  if (!p) return undefined;
  const timing = { initialDelaySeconds: p.initialDelaySeconds, periodSeconds: p.periodSeconds, timeoutSeconds: p.timeoutSeconds, failureThreshold: p.failureThreshold };
  if (p.http) return { httpGet: { path: p.http.path, port: p.http.port }, ...timing };
  if (p.tcp) return { tcpSocket: { port: p.tcp.port }, ...timing };
  if (p.command) return { exec: { command: p.command }, ...timing };
  return undefined;
}

function renderResources(r: SlotSpec["resources"]): Obj {
  const out: Obj = {};
  for (const side of ["requests", "limits"] as const) {
    const v = Object.fromEntries(Object.entries(r[side] ?? {}).filter(([, q]) => q !== undefined));
    if (Object.keys(v).length) out[side] = v;
  }
  return out;
}

/** Plain variables sorted (a map's order must not show up as a diff), then secret references. */
function renderEnv(s: SlotSpec): Obj[] {
  const plain = Object.keys(s.env)
    .sort()
    .map((name) => ({ name, value: s.env[name] }));
  const secret = s.secretEnv.map((e) => ({ name: e.env, valueFrom: { secretKeyRef: { name: e.secret, key: e.key } } }));
  return [...plain, ...secret];
}

/** Replicas of a slot: the HPA's current count (clamped to its range) when autoscaled, else the spec's. */
function replicasOf(s: SlotSpec, d: DesiredApp, opts: RenderOptions): number {
  const a = d.autoscaling;
  if (!a || a.slot !== s.slot) return s.replicas;
  const current = opts.liveReplicas[s.slot] ?? s.replicas;
  return Math.min(a.max, Math.max(a.min, current));
}

function renderDeployment(d: DesiredApp, s: SlotSpec, opts: RenderOptions): Obj {
  const t = d.target;
  const release = releaseLabelValue(s.releaseId, s.releaseNumber);
  const labels = { ...appLabels(t, s.slot), [releaseLabel]: release };
  const annotations = { [releaseIdAnnotation]: s.releaseId, [releaseNumberAnnotation]: String(s.releaseNumber) };
  // A rollout needs room to move: with neither surge nor unavailability Kubernetes rejects the Deployment.
  const surge = s.rolling.maxSurge === 0 && s.rolling.maxUnavailable === 0 ? 1 : s.rolling.maxSurge;
  const container: Obj = {
    name: containerName,
    image: s.image,
    ...(s.command?.length ? { command: s.command } : {}),
    ...(s.args?.length ? { args: s.args } : {}),
    ports: s.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
    env: renderEnv(s),
    resources: renderResources(s.resources),
    ...(s.readiness ? { readinessProbe: renderProbe(s.readiness) } : {}),
    ...(s.liveness ? { livenessProbe: renderProbe(s.liveness) } : {}),
    ...(s.volumes.length ? { volumeMounts: s.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })) } : {}),
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(t, slotName(t.app, s.slot), labels, annotations),
    spec: {
      replicas: replicasOf(s, d, opts),
      revisionHistoryLimit: 5,
      progressDeadlineSeconds,
      selector: { matchLabels: podSelector(t.app, s.slot) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: s.rolling.maxUnavailable } },
      template: {
        metadata: { labels, annotations },
        spec: {
          // Service links put every Service of the namespace into the environment; apps get their config explicitly.
          enableServiceLinks: false,
          ...renderPlacement(s.placement?.constraints ?? []),
          containers: [container],
          ...(s.volumes.length ? { volumes: s.volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: volumeClaimName(t.app, v.name) } })) } : {}),
        },
      },
    },
  };
}

/** One Service per slot: the routers' backends, and how a slot is reached before it takes traffic. */
function renderSlotService(t: AppTarget, s: SlotSpec): Obj | null {
  if (s.ports.length === 0) return null;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(t, slotName(t.app, s.slot), appLabels(t, s.slot)),
    spec: { type: "ClusterIP", selector: podSelector(t.app, s.slot), ports: servicePorts(s.ports) },
  };
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

function renderSecret(t: AppTarget, name: string, data: Record<string, string>): Obj {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(t, name, appLabels(t)),
    type: "Opaque",
    // Versioned by name: a changed value is a new Secret, so pods never see a value change under them.
    immutable: true,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

/** Not immutable: a renewed certificate replaces the material under the same name the router already references. */
function renderTlsSecret(t: AppTarget, c: NonNullable<DesiredApp["certificates"]>[number]): Obj {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(t, tlsSecretName(t.app, c.host), appLabels(t)),
    type: "kubernetes.io/tls",
    data: { "tls.crt": b64(c.certPem), "tls.key": b64(c.keyPem) },
  };
}

/** One claim per volume, shared by both slots (ReadWriteOnce: both slots must land on the node that holds it). */
function renderVolumeClaims(d: DesiredApp): Obj[] {
  const sizes = new Map<string, string>();
  for (const s of d.slots) for (const v of s.volumes) if (!sizes.has(v.name)) sizes.set(v.name, v.size);
  return [...sizes].map(([name, size]) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta(d.target, volumeClaimName(d.target.app, name), appLabels(d.target)),
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
  }));
}

function renderAutoscaler(d: DesiredApp): Obj | null {
  const a = d.autoscaling;
  if (!a) return null;
  const t = d.target;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(t, t.app, appLabels(t)),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: slotName(t.app, a.slot) },
      minReplicas: a.min,
      maxReplicas: a.max,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.cpuTarget } } }],
    },
  };
}

/** Every object of the desired state, in apply order. */
export function renderApp(d: DesiredApp, opts: RenderOptions): Obj[] {
  const t = d.target;
  const out: Obj[] = [];
  for (const s of d.secrets) out.push(renderSecret(t, s.name, s.data));
  for (const c of d.certificates ?? []) out.push(renderTlsSecret(t, c));
  out.push(...renderVolumeClaims(d));
  for (const s of d.slots) out.push(renderDeployment(d, s, opts));
  for (const s of d.slots) {
    const svc = renderSlotService(t, s);
    if (svc) out.push(svc);
  }
  // Blue first, as setTraffic does, so weights that tie pick the same active slot on both paths.
  const present = slots.filter((s) => d.slots.some((x) => x.slot === s));
  const activeSpec = d.slots.find((s) => s.slot === activeSlot(d.traffic, present));
  if (activeSpec) {
    const tls = (d.certificates ?? []).map((c) => ({ host: c.host, secretName: tlsSecretName(t.app, c.host) }));
    out.push(...renderRouting({ target: t, routes: d.routes, traffic: d.traffic, slots: present, ports: activeSpec.ports, tls }, opts));
  }
  const hpa = renderAutoscaler(d);
  if (hpa) out.push(hpa);
  return out;
}
