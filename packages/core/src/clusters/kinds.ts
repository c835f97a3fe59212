/**
 * The kinds Meridian keeps in its live inventory, per runtime. Each kind names the columns its slim
 * projection carries (`summary` keys), so the web UI and the CLI render tables from one catalog.
 * Custom resources (CRD objects) use their own Kind and group and only the generic columns.
 */
export type Runtime = "kubernetes" | "swarm";

export interface KindColumn {
  key: string;
  title: string;
  /** How to render: text, a count, a duration since a timestamp, bytes, millicores. */
  format?: "text" | "number" | "age" | "bytes" | "millicores";
}

export interface KindInfo {
  kind: string;
  runtime: Runtime;
  /** Lower-case plural, as typed on the command line (`meridian get pods`). */
  plural: string;
  aliases: readonly string[];
  namespaced: boolean;
  columns: readonly KindColumn[];
  /** Whether Meridian can scale / restart / roll back this kind. */
  scalable?: boolean;
  restartable?: boolean;
  rollbackable?: boolean;
  /** Logs can be read for this kind (a pod or task, or merged over a workload's replicas). */
  hasLogs?: boolean;
}

const c = (key: string, title: string, format: KindColumn["format"] = "text"): KindColumn => ({ key, title, format });

export const kindCatalog: readonly KindInfo[] = [
  { kind: "Node", runtime: "kubernetes", plural: "nodes", aliases: ["node", "no"], namespaced: false, columns: [c("roles", "Roles"), c("version", "Version"), c("cpu", "CPU", "millicores"), c("memory", "Memory", "bytes"), c("pods", "Pods", "number"), c("instanceType", "Instance type"), c("zone", "Zone")] },
  { kind: "Namespace", runtime: "kubernetes", plural: "namespaces", aliases: ["namespace", "ns"], namespaced: false, columns: [] },
  { kind: "Deployment", runtime: "kubernetes", plural: "deployments", aliases: ["deployment", "deploy"], namespaced: true, columns: [c("ready", "Ready"), c("upToDate", "Up to date", "number"), c("available", "Available", "number"), c("images", "Images")], scalable: true, restartable: true, rollbackable: true, hasLogs: true },
  { kind: "StatefulSet", runtime: "kubernetes", plural: "statefulsets", aliases: ["statefulset", "sts"], namespaced: true, columns: [c("ready", "Ready"), c("images", "Images")], scalable: true, restartable: true, hasLogs: true },
  { kind: "DaemonSet", runtime: "kubernetes", plural: "daemonsets", aliases: ["daemonset", "ds"], namespaced: true, columns: [c("desired", "Desired", "number"), c("ready", "Ready", "number"), c("images", "Images")], restartable: true, hasLogs: true },
  { kind: "ReplicaSet", runtime: "kubernetes", plural: "replicasets", aliases: ["replicaset", "rs"], namespaced: true, columns: [c("desired", "Desired", "number"), c("ready", "Ready", "number"), c("owner", "Owner")], scalable: true, hasLogs: true },
  { kind: "Job", runtime: "kubernetes", plural: "jobs", aliases: ["job"], namespaced: true, columns: [c("completions", "Completions"), c("duration", "Duration")], hasLogs: true },
  { kind: "CronJob", runtime: "kubernetes", plural: "cronjobs", aliases: ["cronjob", "cj"], namespaced: true, columns: [c("schedule", "Schedule"), c("suspend", "Suspend"), c("active", "Active", "number"), c("lastSchedule", "Last schedule", "age")] },
  { kind: "Pod", runtime: "kubernetes", plural: "pods", aliases: ["pod", "po"], namespaced: true, columns: [c("ready", "Ready"), c("restarts", "Restarts", "number"), c("node", "Node"), c("ip", "IP"), c("cpuRequest", "CPU req", "millicores"), c("memoryRequest", "Mem req", "bytes")], hasLogs: true },
  { kind: "Service", runtime: "kubernetes", plural: "services", aliases: ["service", "svc"], namespaced: true, columns: [c("type", "Type"), c("clusterIP", "Cluster IP"), c("ports", "Ports")] },
  { kind: "Ingress", runtime: "kubernetes", plural: "ingresses", aliases: ["ingress", "ing"], namespaced: true, columns: [c("class", "Class"), c("hosts", "Hosts"), c("address", "Address")] },
  { kind: "EndpointSlice", runtime: "kubernetes", plural: "endpointslices", aliases: ["endpointslice"], namespaced: true, columns: [c("service", "Service"), c("endpoints", "Endpoints", "number"), c("ports", "Ports")] },
  { kind: "PersistentVolumeClaim", runtime: "kubernetes", plural: "persistentvolumeclaims", aliases: ["persistentvolumeclaim", "pvc"], namespaced: true, columns: [c("volume", "Volume"), c("capacity", "Capacity", "bytes"), c("storageClass", "Storage class"), c("accessModes", "Access modes")] },
  { kind: "PersistentVolume", runtime: "kubernetes", plural: "persistentvolumes", aliases: ["persistentvolume", "pv"], namespaced: false, columns: [c("capacity", "Capacity", "bytes"), c("claim", "Claim"), c("storageClass", "Storage class"), c("reclaimPolicy", "Reclaim")] },
  { kind: "ConfigMap", runtime: "kubernetes", plural: "configmaps", aliases: ["configmap", "cm"], namespaced: true, columns: [c("keys", "Keys")] },
  { kind: "Secret", runtime: "kubernetes", plural: "secrets", aliases: ["secret"], namespaced: true, columns: [c("type", "Type"), c("keys", "Keys")] },
  { kind: "Event", runtime: "kubernetes", plural: "events", aliases: ["event", "ev"], namespaced: true, columns: [c("type", "Type"), c("reason", "Reason"), c("object", "Object"), c("message", "Message"), c("count", "Count", "number"), c("lastSeen", "Last seen", "age")] },
  { kind: "ResourceQuota", runtime: "kubernetes", plural: "resourcequotas", aliases: ["resourcequota", "quota"], namespaced: true, columns: [c("used", "Used")] },
  { kind: "LimitRange", runtime: "kubernetes", plural: "limitranges", aliases: ["limitrange", "limits"], namespaced: true, columns: [] },
  { kind: "Role", runtime: "kubernetes", plural: "roles", aliases: ["role"], namespaced: true, columns: [c("rules", "Rules", "number")] },
  { kind: "RoleBinding", runtime: "kubernetes", plural: "rolebindings", aliases: ["rolebinding"], namespaced: true, columns: [c("role", "Role"), c("subjects", "Subjects")] },
  { kind: "NetworkPolicy", runtime: "kubernetes", plural: "networkpolicies", aliases: ["networkpolicy", "netpol"], namespaced: true, columns: [c("podSelector", "Pod selector"), c("policyTypes", "Policy types")] },
  { kind: "CustomResourceDefinition", runtime: "kubernetes", plural: "customresourcedefinitions", aliases: ["customresourcedefinition", "crd", "crds"], namespaced: false, columns: [c("group", "Group"), c("kindName", "Kind"), c("scope", "Scope"), c("versions", "Versions")] },
  // Docker Swarm. A Swarm "namespace" is the stack (label com.docker.stack.namespace), so projects bind to stacks.
  { kind: "SwarmNode", runtime: "swarm", plural: "swarmnodes", aliases: ["swarmnode"], namespaced: false, columns: [c("role", "Role"), c("availability", "Availability"), c("engine", "Engine"), c("cpu", "CPU", "millicores"), c("memory", "Memory", "bytes"), c("addr", "Address")] },
  { kind: "SwarmService", runtime: "swarm", plural: "swarmservices", aliases: ["swarmservice"], namespaced: true, columns: [c("mode", "Mode"), c("replicas", "Replicas"), c("image", "Image"), c("ports", "Ports"), c("updateState", "Update")], scalable: true, restartable: true, rollbackable: true, hasLogs: true },
  { kind: "SwarmTask", runtime: "swarm", plural: "swarmtasks", aliases: ["swarmtask", "tasks"], namespaced: true, columns: [c("service", "Service"), c("slot", "Slot", "number"), c("node", "Node"), c("desiredState", "Desired"), c("error", "Error")], hasLogs: true },
  { kind: "SwarmNetwork", runtime: "swarm", plural: "swarmnetworks", aliases: ["swarmnetwork", "networks"], namespaced: true, columns: [c("driver", "Driver"), c("scope", "Scope"), c("subnet", "Subnet")] },
  { kind: "SwarmConfig", runtime: "swarm", plural: "swarmconfigs", aliases: ["swarmconfig", "configs"], namespaced: true, columns: [] },
  { kind: "SwarmSecret", runtime: "swarm", plural: "swarmsecrets", aliases: ["swarmsecret"], namespaced: true, columns: [c("driver", "Driver")] },
  { kind: "SwarmVolume", runtime: "swarm", plural: "swarmvolumes", aliases: ["swarmvolume", "volumes"], namespaced: false, columns: [c("driver", "Driver"), c("node", "Node"), c("mountpoint", "Mountpoint")] },
];

const byName = new Map<string, KindInfo>();
for (const k of kindCatalog) {
  byName.set(k.kind.toLowerCase(), k);
  byName.set(k.plural, k);
  for (const a of k.aliases) byName.set(a, k);
}

/** Resolves `pods`, `po`, `Pod` or `deploy` to the catalog entry; undefined for custom resources. */
export function findKind(name: string): KindInfo | undefined {
  return byName.get(name.toLowerCase());
}
