/** How each built-in kind is reached through the REST API. Custom resources come from their CRDs. */
export interface ApiResource {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const r = (kind: string, group: string, version: string, plural: string, namespaced: boolean): ApiResource => ({ kind, group, version, plural, namespaced });

export const builtinResources: readonly ApiResource[] = [
  r("Node", "", "v1", "nodes", false),
  r("Namespace", "", "v1", "namespaces", false),
  r("Pod", "", "v1", "pods", true),
  r("Service", "", "v1", "services", true),
  r("ConfigMap", "", "v1", "configmaps", true),
  r("Secret", "", "v1", "secrets", true),
  r("Event", "", "v1", "events", true),
  r("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", true),
  r("PersistentVolume", "", "v1", "persistentvolumes", false),
  r("ResourceQuota", "", "v1", "resourcequotas", true),
  r("LimitRange", "", "v1", "limitranges", true),
  r("Deployment", "apps", "v1", "deployments", true),
  r("StatefulSet", "apps", "v1", "statefulsets", true),
  r("DaemonSet", "apps", "v1", "daemonsets", true),
  r("ReplicaSet", "apps", "v1", "replicasets", true),
  r("Job", "batch", "v1", "jobs", true),
  r("CronJob", "batch", "v1", "cronjobs", true),
  r("Ingress", "networking.k8s.io", "v1", "ingresses", true),
  r("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", true),
  r("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true),
  r("Role", "rbac.authorization.k8s.io", "v1", "roles", true),
  r("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", true),
  r("CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions", false),
];

/** A built-in kind of the table above; its absence is a programming error, not bad input. */
export function builtin(kind: string): ApiResource {
  const res = builtinResources.find((x) => x.kind === kind);
  if (!res) throw new Error(`no built-in resource ${kind}`);
  return res;
}

export function apiVersionOf(res: ApiResource): string {
  return res.group ? `${res.group}/${res.version}` : res.version;
}

/** `/api/v1/namespaces/ns/pods/name` and friends; namespace left out lists across all namespaces. */
export function pathOf(res: ApiResource, namespace?: string | null, name?: string, sub?: string): string {
  let p = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  if (res.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${res.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
