import { LimitRangeForm, NamespaceForm, NetworkPolicyForm, type PolicyForm, policyFormKinds, ResourceQuotaForm, RoleBindingForm, RoleForm } from "@meridian/core";
import type { FieldErrors } from "../api/errors";

/**
 * What the "Create policy object" dialog edits: every input as typed (strings, rows), for all kinds at once,
 * so switching the kind keeps the name and namespace. `checkPolicyDraft` turns it into core's PolicyForm and
 * validates it with core's schema; errors are keyed by the form's field paths ("rules.0.verbs"), which are
 * also the keys the dialog's fields read.
 */
export type PolicyKind = (typeof policyFormKinds)[number];
export const policyKinds: readonly PolicyKind[] = policyFormKinds;

type FormOf<K extends PolicyKind> = Extract<PolicyForm, { kind: K }>;
export type Verb = FormOf<"Role">["rules"][number]["verbs"][number];
/** The verbs offered as checkboxes (the schema also takes deletecollection and *, which the CLI can send). */
export const ruleVerbs: readonly Verb[] = ["get", "list", "watch", "create", "update", "patch", "delete"];
export type SubjectKind = FormOf<"RoleBinding">["subjects"][number]["kind"];
export type Protocol = NonNullable<NonNullable<FormOf<"NetworkPolicy">["ports"]>[number]["protocol"]>;

// Rows carry an id so React keeps each input's focus when a row above is removed.
export interface LabelRow {
  id: number;
  key: string;
  value: string;
}
export interface RuleRow {
  id: number;
  apiGroups: string;
  resources: string;
  verbs: Verb[];
}
export interface SubjectRow {
  id: number;
  kind: SubjectKind;
  name: string;
  namespace: string;
}
export interface PortRow {
  id: number;
  port: string;
  protocol: Protocol;
}
/** One NetworkPolicy peer selector, typed as "key=value, key=value" like the CLI's --allow-from-* flags. */
export interface SelectorRow {
  id: number;
  text: string;
}

export interface PolicyDraft {
  kind: PolicyKind;
  name: string;
  namespace: string;
  labels: LabelRow[];
  requestsCpu: string;
  requestsMemory: string;
  limitsCpu: string;
  limitsMemory: string;
  pods: string;
  services: string;
  persistentVolumeClaims: string;
  defaultRequestCpu: string;
  defaultRequestMemory: string;
  defaultLimitCpu: string;
  defaultLimitMemory: string;
  maxCpu: string;
  maxMemory: string;
  rules: RuleRow[];
  roleKind: "Role" | "ClusterRole";
  roleName: string;
  subjects: SubjectRow[];
  podSelector: LabelRow[];
  allowFromNamespaces: SelectorRow[];
  allowFromPods: SelectorRow[];
  ports: PortRow[];
}

/** Keys of the plain text inputs, for one generic setter. */
export type TextKey = { [K in keyof PolicyDraft]: PolicyDraft[K] extends string ? K : never }[keyof PolicyDraft];

let lastRowId = 0;
export const rowId = () => ++lastRowId;
export const emptyRule = (): RuleRow => ({ id: rowId(), apiGroups: "", resources: "", verbs: [] });
export const emptySubject = (): SubjectRow => ({ id: rowId(), kind: "User", name: "", namespace: "" });
export const emptyLabel = (): LabelRow => ({ id: rowId(), key: "", value: "" });
export const emptyPort = (): PortRow => ({ id: rowId(), port: "", protocol: "TCP" });
export const emptySelector = (): SelectorRow => ({ id: rowId(), text: "" });

export function emptyPolicyDraft(kind: PolicyKind = "Namespace", namespace = ""): PolicyDraft {
  return {
    kind,
    name: "",
    namespace,
    labels: [],
    requestsCpu: "",
    requestsMemory: "",
    limitsCpu: "",
    limitsMemory: "",
    pods: "",
    services: "",
    persistentVolumeClaims: "",
    defaultRequestCpu: "",
    defaultRequestMemory: "",
    defaultLimitCpu: "",
    defaultLimitMemory: "",
    maxCpu: "",
    maxMemory: "",
    // Roles and bindings need at least one rule / subject: start with an empty row to fill in.
    rules: [emptyRule()],
    roleKind: "ClusterRole",
    roleName: "",
    subjects: [emptySubject()],
    podSelector: [],
    allowFromNamespaces: [],
    allowFromPods: [],
    ports: [],
  };
}

const schemas = {
  Namespace: NamespaceForm,
  ResourceQuota: ResourceQuotaForm,
  LimitRange: LimitRangeForm,
  Role: RoleForm,
  RoleBinding: RoleBindingForm,
  NetworkPolicy: NetworkPolicyForm,
} as const;

const text = (s: string) => (s.trim() ? s.trim() : undefined);
const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The form core validates, plus problems found while reading the inputs (a count that is not a number, a
 * label row without a key), which core's schema could only report less precisely.
 */
export function toPolicyForm(d: PolicyDraft): { form: PolicyForm; local: FieldErrors } {
  const local: FieldErrors = {};
  const name = d.name.trim();
  const namespace = d.namespace.trim();
  const count = (key: "pods" | "services" | "persistentVolumeClaims") => {
    const t = d[key].trim();
    if (!t) return undefined;
    if (!/^\d+$/.test(t)) local[key] = "A whole number, such as 10";
    return Number(t);
  };
  const labels = (field: "labels" | "podSelector") => labelMap(d[field], field, local);
  switch (d.kind) {
    case "Namespace": {
      const l = labels("labels");
      return { form: { kind: "Namespace", name, ...(Object.keys(l).length ? { labels: l } : {}) }, local };
    }
    case "ResourceQuota":
      return {
        form: {
          kind: "ResourceQuota",
          name,
          namespace,
          requestsCpu: text(d.requestsCpu),
          requestsMemory: text(d.requestsMemory),
          limitsCpu: text(d.limitsCpu),
          limitsMemory: text(d.limitsMemory),
          pods: count("pods"),
          services: count("services"),
          persistentVolumeClaims: count("persistentVolumeClaims"),
        },
        local,
      };
    case "LimitRange":
      return {
        form: {
          kind: "LimitRange",
          name,
          namespace,
          defaultRequestCpu: text(d.defaultRequestCpu),
          defaultRequestMemory: text(d.defaultRequestMemory),
          defaultLimitCpu: text(d.defaultLimitCpu),
          defaultLimitMemory: text(d.defaultLimitMemory),
          maxCpu: text(d.maxCpu),
          maxMemory: text(d.maxMemory),
        },
        local,
      };
    case "Role":
      return {
        form: {
          kind: "Role",
          name,
          namespace,
          // As in kubectl and the CLI, no API group means the core group ("").
          rules: d.rules.map((r) => ({ apiGroups: r.apiGroups.trim() ? list(r.apiGroups).map((g) => (g === '""' ? "" : g)) : [""], resources: list(r.resources), verbs: r.verbs })),
        },
        local,
      };
    case "RoleBinding":
      return {
        form: {
          kind: "RoleBinding",
          name,
          namespace,
          roleKind: d.roleKind,
          roleName: d.roleName.trim(),
          subjects: d.subjects.map((s) => ({ kind: s.kind, name: s.name.trim(), ...(s.kind === "ServiceAccount" && s.namespace.trim() ? { namespace: s.namespace.trim() } : {}) })),
        },
        local,
      };
    case "NetworkPolicy":
      return {
        form: {
          kind: "NetworkPolicy",
          name,
          namespace,
          podSelector: labels("podSelector"),
          allowFromNamespaces: d.allowFromNamespaces.map((r, i) => selectorOf(r.text, `allowFromNamespaces.${i}`, local)),
          allowFromPods: d.allowFromPods.map((r, i) => selectorOf(r.text, `allowFromPods.${i}`, local)),
          ports: d.ports.map((p, i) => {
            if (!/^\d+$/.test(p.port.trim())) local[`ports.${i}`] = "A port number from 1 to 65535 (or remove the row)";
            return { port: Number(p.port.trim()), protocol: p.protocol };
          }),
        },
        local,
      };
  }
}

function labelMap(rows: readonly LabelRow[], field: string, local: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  rows.forEach((r, i) => {
    const key = r.key.trim();
    const value = r.value.trim();
    if (!key && !value) return; // an untouched row adds nothing
    if (!key) local[`${field}.${i}`] = "Give the key";
    else if (key in out) local[`${field}.${i}`] = `${key} is already set above`;
    else out[key] = value;
  });
  return out;
}

export function parseSelector(s: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of list(s)) {
    const m = /^([^=]+)=(.*)$/.exec(part);
    if (!m) return null;
    out[(m[1] as string).trim()] = (m[2] as string).trim();
  }
  return out;
}

function selectorOf(s: string, key: string, local: FieldErrors): Record<string, string> {
  const parsed = parseSelector(s);
  if (!parsed) local[key] = "Write key=value pairs, comma-separated";
  else if (Object.keys(parsed).length === 0) local[key] = "Give at least one key=value (or remove the row)";
  return parsed ?? {};
}

/** A zod issue in words for the person at the form (zod's own are written for developers). */
interface Issue {
  code: string;
  message: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
}

function messageOf(i: Issue): string {
  if (i.code === "too_small") {
    if (i.origin === "string") return Number(i.minimum) <= 1 ? "Required" : `At least ${i.minimum} characters`;
    if (i.origin === "array") return Number(i.minimum) <= 1 ? "Choose at least one" : `At least ${i.minimum}`;
    return `At least ${i.minimum}`;
  }
  if (i.code === "too_big") return i.origin === "string" ? `At most ${i.maximum} characters` : `At most ${i.maximum}`;
  if (i.code === "invalid_value") return "Choose one of the listed values";
  if (i.code === "invalid_key") return "Keys cannot be empty";
  return i.message.charAt(0).toUpperCase() + i.message.slice(1);
}

/** Where a schema issue is shown: label maps are keyed by label, the dialog's rows by position. */
function fieldOf(path: readonly PropertyKey[], d: PolicyDraft): string {
  const [head, second] = path;
  if ((head === "labels" || head === "podSelector") && typeof second === "string") {
    const i = d[head].findIndex((r) => r.key.trim() === second);
    return i >= 0 ? `${head}.${i}` : head;
  }
  if ((head === "allowFromNamespaces" || head === "allowFromPods") && typeof second === "number") return `${head}.${second}`;
  if (head === "rules" && path[2] === "verbs") return `rules.${String(second)}.verbs`;
  if (head === "ports" && typeof second === "number") return `ports.${second}`;
  return path.map(String).join(".");
}

export interface CheckedPolicy {
  /** The validated form, or null while any field is wrong. */
  form: PolicyForm | null;
  /** Field path -> message; "" holds what concerns the whole form ("set at least one limit"). */
  errors: FieldErrors;
}

// Where "at least one" deserves the field's own words.
const emptyListMessages: Record<string, string> = { resources: "Name at least one resource, such as pods", verbs: "Choose at least one verb" };

export function checkPolicyDraft(d: PolicyDraft): CheckedPolicy {
  const { form, local } = toPolicyForm(d);
  const errors: FieldErrors = { ...local };
  const result = schemas[d.kind].safeParse(form);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = fieldOf(issue.path, d);
      const own = issue.code === "too_small" ? emptyListMessages[String(issue.path[issue.path.length - 1])] : undefined;
      if (!(key in errors)) errors[key] = own ?? messageOf(issue as Issue);
    }
  }
  return { form: Object.keys(errors).length ? null : form, errors };
}

const identity = new Set(["kind", "name", "namespace"]);

/**
 * The errors to show: a field's once it has been edited (or its list, for rows), all of them after a submit.
 * The form-level one ("set at least one limit") waits until some kind-specific field was touched.
 */
export function visibleErrors(errors: FieldErrors, touched: ReadonlySet<string>, submitted: boolean): FieldErrors {
  if (submitted) return errors;
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const shown = key === "" ? [...touched].some((t) => !identity.has(t)) : touched.has(key) || touched.has(key.split(".")[0] ?? key);
    if (shown) out[key] = message;
  }
  return out;
}

const pairs = (rows: readonly SelectorRow[]) =>
  rows
    .map((r) => parseSelector(r.text))
    .filter((s): s is Record<string, string> => !!s && Object.keys(s).length > 0)
    .map((s) =>
      Object.entries(s)
        .map(([k, v]) => `${k}=${v}`)
        .join(", "),
    );

/** The policy in one sentence; Kubernetes' "a selected pod with no allowed peers gets no ingress" is easy to miss. */
export function describeIngress(d: PolicyDraft): string {
  const selected = d.podSelector.filter((r) => r.key.trim());
  const who = selected.length ? `Pods labelled ${selected.map((r) => `${r.key.trim()}=${r.value.trim()}`).join(", ")}` : "Every pod in the namespace";
  const namespaces = pairs(d.allowFromNamespaces).map((s) => `namespaces labelled ${s}`);
  const pods = pairs(d.allowFromPods).map((s) => `pods labelled ${s} in this namespace`);
  const ports = d.ports.filter((x) => x.port.trim()).map((x) => `${x.port.trim()}/${x.protocol}`);
  const from = [...namespaces, ...pods];
  if (from.length === 0 && ports.length === 0) return `${who}: all ingress denied. Nothing is allowed, so nothing gets in — add sources or ports to let traffic through.`;
  if (from.length === 0) return `${who}: ingress from anywhere, but only on ${ports.join(", ")}. Everything else is denied.`;
  return `${who}: ingress only from ${from.join(" or ")}, ${ports.length ? `on ${ports.join(", ")}` : "on any port"}. Everything else is denied.`;
}
