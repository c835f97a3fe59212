import { z } from "zod";

/**
 * Forms for the namespace-level policy objects people create most (namespaces, quotas, limit ranges, RBAC,
 * network policies). Each form is validated here and rendered to plain Kubernetes YAML, which then goes
 * through the same server-side apply with a diff preview as any YAML; the UI and the CLI share these.
 */
const Dns = z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lower-case letters, digits and dashes");
const Quantity = z.string().trim().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, "a quantity such as 500m, 2, 512Mi or 4Gi");
const LabelMap = z.record(z.string().min(1).max(253), z.string().max(63));
const opt = <T extends z.ZodType>(t: T) => t.optional();

export const NamespaceForm = z.object({ kind: z.literal("Namespace"), name: Dns, labels: opt(LabelMap) }).strict();
export const ResourceQuotaForm = z
  .object({
    kind: z.literal("ResourceQuota"),
    name: Dns,
    namespace: Dns,
    requestsCpu: opt(Quantity),
    requestsMemory: opt(Quantity),
    limitsCpu: opt(Quantity),
    limitsMemory: opt(Quantity),
    pods: opt(z.number().int().min(0).max(100_000)),
    services: opt(z.number().int().min(0).max(10_000)),
    persistentVolumeClaims: opt(z.number().int().min(0).max(10_000)),
  })
  .strict()
  .refine((f) => Object.entries(f).some(([k, v]) => v !== undefined && !["kind", "name", "namespace"].includes(k)), "set at least one limit");
export const LimitRangeForm = z
  .object({
    kind: z.literal("LimitRange"),
    name: Dns,
    namespace: Dns,
    defaultRequestCpu: opt(Quantity),
    defaultRequestMemory: opt(Quantity),
    defaultLimitCpu: opt(Quantity),
    defaultLimitMemory: opt(Quantity),
    maxCpu: opt(Quantity),
    maxMemory: opt(Quantity),
  })
  .strict()
  .refine((f) => Object.entries(f).some(([k, v]) => v !== undefined && !["kind", "name", "namespace"].includes(k)), "set at least one default or maximum");
const Verb = z.enum(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*"]);
export const RoleForm = z
  .object({
    kind: z.literal("Role"),
    name: Dns,
    namespace: Dns,
    rules: z
      .array(z.object({ apiGroups: z.array(z.string().max(253)).min(1), resources: z.array(z.string().min(1).max(253)).min(1), verbs: z.array(Verb).min(1) }).strict())
      .min(1)
      .max(50),
  })
  .strict();
export const RoleBindingForm = z
  .object({
    kind: z.literal("RoleBinding"),
    name: Dns,
    namespace: Dns,
    roleKind: z.enum(["Role", "ClusterRole"]),
    roleName: z.string().min(1).max(253),
    subjects: z
      .array(z.object({ kind: z.enum(["User", "Group", "ServiceAccount"]), name: z.string().min(1).max(253), namespace: opt(Dns) }).strict())
      .min(1)
      .max(50),
  })
  .strict();
export const NetworkPolicyForm = z
  .object({
    kind: z.literal("NetworkPolicy"),
    name: Dns,
    namespace: Dns,
    podSelector: LabelMap.describe("Pods the policy applies to; empty = all pods of the namespace"),
    /** Ingress allowed only from these; none = deny all ingress. */
    allowFromNamespaces: opt(z.array(LabelMap)),
    allowFromPods: opt(z.array(LabelMap)),
    ports: opt(z.array(z.object({ port: z.number().int().min(1).max(65535), protocol: z.enum(["TCP", "UDP", "SCTP"]).default("TCP") }).strict())),
  })
  .strict();

export const PolicyForm = z.union([NamespaceForm, ResourceQuotaForm, LimitRangeForm, RoleForm, RoleBindingForm, NetworkPolicyForm]);
export type PolicyForm = z.input<typeof PolicyForm>;
export const policyFormKinds = ["Namespace", "ResourceQuota", "LimitRange", "Role", "RoleBinding", "NetworkPolicy"] as const;

const clean = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(typeof v === "object" && v !== null && Object.keys(v).length === 0))) as T;

/** The Kubernetes object a validated form stands for. */
export function renderPolicyObject(input: PolicyForm): Record<string, unknown> {
  const f = PolicyForm.parse(input);
  switch (f.kind) {
    case "Namespace":
      return { apiVersion: "v1", kind: "Namespace", metadata: clean({ name: f.name, labels: f.labels }) };
    case "ResourceQuota":
      return {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: f.name, namespace: f.namespace },
        spec: {
          hard: clean({
            "requests.cpu": f.requestsCpu,
            "requests.memory": f.requestsMemory,
            "limits.cpu": f.limitsCpu,
            "limits.memory": f.limitsMemory,
            pods: f.pods === undefined ? undefined : String(f.pods),
            services: f.services === undefined ? undefined : String(f.services),
            persistentvolumeclaims: f.persistentVolumeClaims === undefined ? undefined : String(f.persistentVolumeClaims),
          }),
        },
      };
    case "LimitRange":
      return {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: { name: f.name, namespace: f.namespace },
        spec: {
          limits: [
            clean({
              type: "Container",
              defaultRequest: clean({ cpu: f.defaultRequestCpu, memory: f.defaultRequestMemory }),
              default: clean({ cpu: f.defaultLimitCpu, memory: f.defaultLimitMemory }),
              max: clean({ cpu: f.maxCpu, memory: f.maxMemory }),
            }),
          ],
        },
      };
    case "Role":
      return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: f.name, namespace: f.namespace }, rules: f.rules };
    case "RoleBinding":
      return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: f.name, namespace: f.namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: f.roleKind, name: f.roleName },
        subjects: f.subjects.map((s) =>
          s.kind === "ServiceAccount" ? { kind: s.kind, name: s.name, namespace: s.namespace ?? f.namespace } : { kind: s.kind, name: s.name, apiGroup: "rbac.authorization.k8s.io" },
        ),
      };
    case "NetworkPolicy": {
      const from = [
        ...(f.allowFromNamespaces ?? []).map((l) => ({ namespaceSelector: { matchLabels: l } })),
        ...(f.allowFromPods ?? []).map((l) => ({ podSelector: { matchLabels: l } })),
      ];
      const rule = clean({ from: from.length ? from : undefined, ports: f.ports?.length ? f.ports : undefined });
      return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: f.name, namespace: f.namespace },
        spec: { podSelector: Object.keys(f.podSelector).length ? { matchLabels: f.podSelector } : {}, policyTypes: ["Ingress"], ingress: Object.keys(rule).length ? [rule] : [] },
      };
    }
  }
}
