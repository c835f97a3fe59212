import type { Health, InventoryItem } from "@meridian/core";
import { toBytes, toMillicores } from "./quantity.js";

/**
 * Slim projections: each object is reduced on arrival to the few fields pages and queries need (about
 * 0.1–0.3 KB instead of ~7 KB of pod JSON), so full objects never stay in memory.
 */
type Obj = Record<string, any>;
type Summary = InventoryItem["summary"];

const join = (xs: unknown[], max = 200) => {
  const s = xs.filter((x) => x !== undefined && x !== null && x !== "").join(",");
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

export function keyOf(kind: string, group: string, namespace: string | null | undefined, name: string): string {
  return `${kind}/${group}/${namespace ?? ""}/${name}`;
}

function ownerOf(meta: Obj): InventoryItem["owner"] {
  const refs = meta.ownerReferences as Obj[] | undefined;
  if (!refs?.length) return null;
  const ref = refs.find((r) => r.controller) ?? refs[0];
  return ref ? { kind: String(ref.kind), name: String(ref.name) } : null;
}

function base(kind: string, group: string, o: Obj, status: string, health: Health, summary: Summary, owner?: InventoryItem["owner"]): InventoryItem {
  const meta = (o.metadata ?? {}) as Obj;
  const namespace = (meta.namespace as string | undefined) ?? null;
  const name = String(meta.name ?? "");
  return {
    key: keyOf(kind, group, namespace, name),
    kind,
    group,
    namespace,
    name,
    uid: String(meta.uid ?? ""),
    labels: (meta.labels as Record<string, string> | undefined) ?? {},
    createdAt: (meta.creationTimestamp as string | undefined) ?? null,
    status,
    health,
    owner: owner === undefined ? ownerOf(meta) : owner,
    summary,
    resourceVersion: String(meta.resourceVersion ?? ""),
  };
}

function sumRequests(containers: Obj[] | undefined): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of containers ?? []) {
    cpu += toMillicores(c.resources?.requests?.cpu);
    memory += toBytes(c.resources?.requests?.memory);
  }
  return { cpu, memory };
}

const badWaiting = new Set(["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "InvalidImageName", "CreateContainerError", "RunContainerError"]);

function projectPod(o: Obj): InventoryItem {
  const spec = o.spec ?? {};
  const st = o.status ?? {};
  const statuses = (st.containerStatuses ?? []) as Obj[];
  const total = (spec.containers ?? []).length;
  const ready = statuses.filter((c) => c.ready).length;
  const restarts = statuses.reduce((n, c) => n + (Number(c.restartCount) || 0), 0);
  let status = String(st.phase ?? "Unknown");
  if (st.reason) status = String(st.reason);
  let bad = false;
  for (const c of [...((st.initContainerStatuses ?? []) as Obj[]), ...statuses]) {
    const waiting = c.state?.waiting?.reason as string | undefined;
    const term = c.state?.terminated?.reason as string | undefined;
    if (waiting && waiting !== "PodInitializing") {
      status = waiting;
      if (badWaiting.has(waiting)) bad = true;
    } else if (term && st.phase !== "Succeeded" && term !== "Completed") {
      status = term;
      bad = true;
    }
  }
  if (o.metadata?.deletionTimestamp) status = "Terminating";
  let health: Health;
  if (status === "Terminating") health = "progressing";
  else if (bad || st.phase === "Failed") health = "error";
  else if (st.phase === "Running") health = ready === total ? "ok" : "warning";
  else if (st.phase === "Succeeded") health = "ok";
  else if (st.phase === "Pending") health = "progressing";
  else health = "unknown";
  const req = sumRequests(spec.containers);
  return base("Pod", "", o, status, health, {
    ready: `${ready}/${total}`,
    restarts,
    node: spec.nodeName ?? null,
    ip: st.podIP ?? null,
    cpuRequest: req.cpu,
    memoryRequest: req.memory,
    containers: join((spec.containers ?? []).map((c: Obj) => c.name)),
    scheduled: Boolean(spec.nodeName),
  });
}

function projectNode(o: Obj): InventoryItem {
  const labels = (o.metadata?.labels ?? {}) as Record<string, string>;
  const conds = (o.status?.conditions ?? []) as Obj[];
  const readyCond = conds.find((c) => c.type === "Ready");
  const ready = readyCond?.status === "True";
  const pressure = conds.filter((c) => c.type !== "Ready" && c.status === "True").map((c) => c.type);
  const unschedulable = Boolean(o.spec?.unschedulable);
  let status = ready ? "Ready" : readyCond?.status === "Unknown" ? "Unknown" : "NotReady";
  if (unschedulable) status += ",SchedulingDisabled";
  const health: Health = !ready ? "error" : pressure.length > 0 || unschedulable ? "warning" : "ok";
  const alloc = o.status?.allocatable ?? o.status?.capacity ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length));
  return base("Node", "", o, status, health, {
    roles: join(roles) || "<none>",
    version: o.status?.nodeInfo?.kubeletVersion ?? null,
    cpu: toMillicores(alloc.cpu),
    memory: toBytes(alloc.memory),
    pods: Number(alloc.pods) || 0,
    instanceType: labels["node.kubernetes.io/instance-type"] ?? labels["beta.kubernetes.io/instance-type"] ?? null,
    zone: labels["topology.kubernetes.io/zone"] ?? null,
    ready,
    unschedulable,
    pressure: join(pressure),
    readyReason: readyCond?.reason ?? null,
  });
}

function images(o: Obj): string {
  return join(((o.spec?.template?.spec?.containers ?? []) as Obj[]).map((c) => c.image));
}

function projectDeployment(o: Obj): InventoryItem {
  const want = Number(o.spec?.replicas ?? 1);
  const st = o.status ?? {};
  const ready = Number(st.readyReplicas ?? 0);
  const updated = Number(st.updatedReplicas ?? 0);
  const available = Number(st.availableReplicas ?? 0);
  const conds = (st.conditions ?? []) as Obj[];
  const stalled = conds.some((c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded");
  const rolling = Number(st.observedGeneration ?? 0) < Number(o.metadata?.generation ?? 0) || updated < want || Number(st.replicas ?? 0) > want;
  let status = "Available";
  let health: Health = "ok";
  if (stalled) [status, health] = ["ProgressDeadlineExceeded", "error"];
  else if (rolling) [status, health] = ["Progressing", "progressing"];
  else if (available < want) [status, health] = ["Degraded", "warning"];
  else if (want === 0) status = "ScaledToZero";
  return base("Deployment", "apps", o, status, health, { ready: `${ready}/${want}`, upToDate: updated, available, images: images(o), replicas: want, selector: selectorOf(o) });
}

function selectorOf(o: Obj): string {
  const ml = (o.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
  return Object.entries(ml)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function projectStatefulSet(o: Obj): InventoryItem {
  const want = Number(o.spec?.replicas ?? 1);
  const ready = Number(o.status?.readyReplicas ?? 0);
  const health: Health = ready >= want ? "ok" : Number(o.status?.updatedReplicas ?? 0) < want ? "progressing" : "warning";
  return base("StatefulSet", "apps", o, ready >= want ? "Ready" : "Progressing", health, { ready: `${ready}/${want}`, images: images(o), replicas: want, selector: selectorOf(o) });
}

function projectDaemonSet(o: Obj): InventoryItem {
  const desired = Number(o.status?.desiredNumberScheduled ?? 0);
  const ready = Number(o.status?.numberReady ?? 0);
  return base("DaemonSet", "apps", o, ready >= desired ? "Ready" : "Progressing", ready >= desired ? "ok" : "progressing", { desired, ready, images: images(o), selector: selectorOf(o) });
}

function projectReplicaSet(o: Obj): InventoryItem {
  const desired = Number(o.spec?.replicas ?? 0);
  const ready = Number(o.status?.readyReplicas ?? 0);
  const owner = ownerOf(o.metadata ?? {});
  return base("ReplicaSet", "apps", o, ready >= desired ? "Ready" : "Progressing", ready >= desired ? "ok" : "progressing", {
    desired,
    ready,
    owner: owner ? `${owner.kind}/${owner.name}` : null,
    revision: o.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? null,
    images: images(o),
  });
}

function projectJob(o: Obj): InventoryItem {
  const completions = Number(o.spec?.completions ?? 1);
  const st = o.status ?? {};
  const conds = (st.conditions ?? []) as Obj[];
  const failed = conds.some((c) => c.type === "Failed" && c.status === "True");
  const complete = conds.some((c) => c.type === "Complete" && c.status === "True");
  const status = failed ? "Failed" : complete ? "Complete" : o.spec?.suspend ? "Suspended" : "Running";
  const health: Health = failed ? "error" : complete ? "ok" : "progressing";
  const start = st.startTime ? Date.parse(st.startTime) : Number.NaN;
  const end = st.completionTime ? Date.parse(st.completionTime) : Number.NaN;
  const duration = Number.isFinite(start) && Number.isFinite(end) ? `${Math.round((end - start) / 1000)}s` : null;
  return base("Job", "batch", o, status, health, { completions: `${Number(st.succeeded ?? 0)}/${completions}`, duration });
}

function projectCronJob(o: Obj): InventoryItem {
  const suspend = Boolean(o.spec?.suspend);
  return base("CronJob", "batch", o, suspend ? "Suspended" : "Scheduled", "ok", {
    schedule: o.spec?.schedule ?? null,
    suspend,
    active: ((o.status?.active ?? []) as unknown[]).length,
    lastSchedule: o.status?.lastScheduleTime ?? null,
  });
}

function projectService(o: Obj): InventoryItem {
  const ports = ((o.spec?.ports ?? []) as Obj[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`);
  const type = String(o.spec?.type ?? "ClusterIP");
  const lbPending = type === "LoadBalancer" && !((o.status?.loadBalancer?.ingress ?? []) as unknown[]).length;
  return base("Service", "", o, lbPending ? "Pending" : "Active", lbPending ? "progressing" : "ok", {
    type,
    clusterIP: o.spec?.clusterIP ?? null,
    ports: join(ports),
    selector: Object.entries((o.spec?.selector ?? {}) as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
  });
}

function projectIngress(o: Obj): InventoryItem {
  const hosts = ((o.spec?.rules ?? []) as Obj[]).map((r) => r.host ?? "*");
  const addr = ((o.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip ?? i.hostname);
  return base("Ingress", "networking.k8s.io", o, addr.length ? "Active" : "Pending", addr.length ? "ok" : "progressing", { class: o.spec?.ingressClassName ?? null, hosts: join(hosts), address: join(addr) });
}

function projectEndpointSlice(o: Obj): InventoryItem {
  const eps = (o.endpoints ?? []) as Obj[];
  const ready = eps.filter((e) => e.conditions?.ready !== false).length;
  return base("EndpointSlice", "discovery.k8s.io", o, `${ready}/${eps.length} ready`, eps.length === 0 || ready > 0 ? "ok" : "warning", {
    service: o.metadata?.labels?.["kubernetes.io/service-name"] ?? null,
    endpoints: eps.length,
    ports: join(((o.ports ?? []) as Obj[]).map((p) => `${p.port}/${p.protocol ?? "TCP"}`)),
  });
}

function projectPvc(o: Obj): InventoryItem {
  const phase = String(o.status?.phase ?? "Pending");
  return base("PersistentVolumeClaim", "", o, phase, phase === "Bound" ? "ok" : phase === "Lost" ? "error" : "progressing", {
    volume: o.spec?.volumeName ?? null,
    capacity: toBytes(o.status?.capacity?.storage ?? o.spec?.resources?.requests?.storage),
    storageClass: o.spec?.storageClassName ?? null,
    accessModes: join(o.spec?.accessModes ?? []),
  });
}

function projectPv(o: Obj): InventoryItem {
  const phase = String(o.status?.phase ?? "Pending");
  const claim = o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : null;
  return base("PersistentVolume", "", o, phase, phase === "Failed" ? "error" : "ok", {
    capacity: toBytes(o.spec?.capacity?.storage),
    claim,
    storageClass: o.spec?.storageClassName ?? null,
    reclaimPolicy: o.spec?.persistentVolumeReclaimPolicy ?? null,
  });
}

function projectEvent(o: Obj): InventoryItem {
  const type = String(o.type ?? "Normal");
  const io = o.involvedObject ?? {};
  const msg = String(o.message ?? "");
  return base("Event", "", o, String(o.reason ?? type), type === "Warning" ? "warning" : "ok", {
    type,
    reason: o.reason ?? null,
    object: `${io.kind ?? ""}/${io.name ?? ""}`,
    objectKind: io.kind ?? null,
    objectName: io.name ?? null,
    message: msg.length > 300 ? `${msg.slice(0, 299)}…` : msg,
    count: Number(o.count ?? o.series?.count ?? 1),
    lastSeen: o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp ?? null,
  }, io.kind ? { kind: String(io.kind), name: String(io.name) } : null);
}

/** Secrets and ConfigMaps: key names only. Values never enter the inventory. */
function projectKeys(kind: "Secret" | "ConfigMap", o: Obj): InventoryItem {
  const keys = [...Object.keys(o.data ?? {}), ...Object.keys(o.binaryData ?? {})];
  const summary: Summary = { keys: join(keys), keyCount: keys.length };
  if (kind === "Secret") summary.type = o.type ?? "Opaque";
  return base(kind, "", o, `${keys.length} keys`, "ok", summary);
}

function projectGeneric(kind: string, group: string, o: Obj): InventoryItem {
  const conds = (o.status?.conditions ?? []) as Obj[];
  const ready = conds.find((c) => c.type === "Ready" || c.type === "Available" || c.type === "Established");
  const phase = o.status?.phase as string | undefined;
  let status = phase ?? (ready ? (ready.status === "True" ? ready.type : `Not${ready.type}`) : "Active");
  let health: Health = ready ? (ready.status === "True" ? "ok" : "warning") : phase === "Failed" ? "error" : "ok";
  if (o.metadata?.deletionTimestamp) [status, health] = ["Terminating", "progressing"];
  return base(kind, group, o, status, health, {});
}

function projectCrd(o: Obj): InventoryItem {
  const item = projectGeneric("CustomResourceDefinition", "apiextensions.k8s.io", o);
  const versions = ((o.spec?.versions ?? []) as Obj[]).filter((v) => v.served).map((v) => v.name);
  item.summary = {
    group: o.spec?.group ?? null,
    kindName: o.spec?.names?.kind ?? null,
    plural: o.spec?.names?.plural ?? null,
    scope: o.spec?.scope ?? null,
    versions: join(versions),
    storageVersion: ((o.spec?.versions ?? []) as Obj[]).find((v) => v.storage)?.name ?? null,
  };
  return item;
}

export function projectObject(kind: string, group: string, o: Obj): InventoryItem {
  switch (kind) {
    case "Pod":
      return projectPod(o);
    case "Node":
      return projectNode(o);
    case "Deployment":
      return projectDeployment(o);
    case "StatefulSet":
      return projectStatefulSet(o);
    case "DaemonSet":
      return projectDaemonSet(o);
    case "ReplicaSet":
      return projectReplicaSet(o);
    case "Job":
      return projectJob(o);
    case "CronJob":
      return projectCronJob(o);
    case "Service":
      return projectService(o);
    case "Ingress":
      return projectIngress(o);
    case "EndpointSlice":
      return projectEndpointSlice(o);
    case "PersistentVolumeClaim":
      return projectPvc(o);
    case "PersistentVolume":
      return projectPv(o);
    case "Event":
      return projectEvent(o);
    case "Secret":
    case "ConfigMap":
      return projectKeys(kind, o);
    case "CustomResourceDefinition":
      return projectCrd(o);
    case "Namespace": {
      const phase = String(o.status?.phase ?? "Active");
      return base("Namespace", "", o, phase, phase === "Active" ? "ok" : "progressing", {});
    }
    case "ResourceQuota": {
      const used = Object.entries((o.status?.used ?? {}) as Record<string, string>).map(([k, v]) => `${k}: ${v}/${o.status?.hard?.[k] ?? "?"}`);
      return base(kind, group, o, "Active", "ok", { used: join(used) });
    }
    case "Role":
      return base(kind, group, o, "Active", "ok", { rules: ((o.rules ?? []) as unknown[]).length });
    case "RoleBinding":
      return base(kind, group, o, "Active", "ok", {
        role: `${o.roleRef?.kind ?? ""}/${o.roleRef?.name ?? ""}`,
        subjects: join(((o.subjects ?? []) as Obj[]).map((s) => `${s.kind}/${s.name}`)),
      });
    case "NetworkPolicy":
      return base(kind, group, o, "Active", "ok", {
        podSelector: Object.entries((o.spec?.podSelector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",") || "<all>",
        policyTypes: join(o.spec?.policyTypes ?? []),
      });
    default:
      return projectGeneric(kind, group, o);
  }
}
