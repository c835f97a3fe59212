import { PolicyForm, renderPolicyObject } from "@meridian/core";
import type { Command } from "commander";
import { stringify } from "yaml";
import { selectCluster } from "../clusters/select-cluster.js";
import type { CliEnv } from "../config.js";
import { UsageError } from "../errors.js";
import { type Runtime, withRuntime } from "../runtime.js";
import { printApplyResults } from "./apply.js";

/**
 * `meridian create namespace|quota|limitrange|role|rolebinding|networkpolicy`: the policy forms of the web
 * UI on the command line. The form becomes Kubernetes YAML (core's renderPolicyObject) and is applied with
 * server-side apply, so `--dry-run` shows the same diff `apply` would.
 */
interface Common {
  cluster?: string;
  namespace?: string;
  dryRun?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function parseLabels(pairs: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    for (const part of p.split(",")) {
      const m = /^([^=]+)=(.*)$/.exec(part.trim());
      if (!m) throw new UsageError(`${flag} wants key=value pairs (got "${part}")`);
      out[(m[1] as string).trim()] = (m[2] as string).trim();
    }
  }
  return out;
}

const list = (v: string | undefined) => (v ? v.split(",").map((x) => x.trim()).filter(Boolean) : []);

function needNamespace(opts: Common): string {
  if (!opts.namespace) throw new UsageError("give the namespace with -n NAMESPACE");
  return opts.namespace;
}

async function createFrom(rt: Runtime, form: PolicyForm, opts: Common): Promise<void> {
  const checked = PolicyForm.safeParse(form);
  if (!checked.success) throw new UsageError(checked.error.issues.map((i) => `${i.path.join(".") || form.kind}: ${i.message}`).join("; "));
  const yaml = stringify(renderPolicyObject(form));
  const client = rt.getClient();
  const orgId = rt.getOrg();
  const cluster = await selectCluster(client, orgId, opts.cluster);
  const result = await client.call("applyResources", { params: { orgId, clusterId: cluster.id }, body: { yaml, dryRun: opts.dryRun === true } });
  printApplyResults(rt, yaml, result, opts.dryRun === true);
}

export function registerCreateCommands(program: Command, env: CliEnv): void {
  const create = program.command("create").description("Create namespaces, quotas, limit ranges, roles, role bindings and network policies from flags");
  const common = (c: Command, namespaced = true) => {
    c.option("--cluster <cluster>", "cluster slug (default: the organization's only cluster)").option("--dry-run", "change nothing; print the diff");
    if (namespaced) c.option("-n, --namespace <ns>", "namespace");
    return c;
  };
  common(create.command("namespace <name>").description("A namespace").option("--label <k=v>", "label (repeatable)", collect), false).action(
    withRuntime(env, (rt, [name], o: Common & { label?: string[] }) => createFrom(rt, { kind: "Namespace", name: name as string, labels: parseLabels(o.label, "--label") }, o)),
  );
  common(
    create
      .command("quota <name>")
      .alias("resourcequota")
      .description("A ResourceQuota: caps on a namespace's requests, limits and object counts")
      .option("--requests-cpu <q>")
      .option("--requests-memory <q>")
      .option("--limits-cpu <q>")
      .option("--limits-memory <q>")
      .option("--pods <n>", "", (v) => Number(v))
      .option("--services <n>", "", (v) => Number(v))
      .option("--pvcs <n>", "persistent volume claims", (v) => Number(v)),
  ).action(
    withRuntime(env, (rt, [name], o: Common & Record<string, string | number | undefined>) =>
      createFrom(
        rt,
        {
          kind: "ResourceQuota",
          name: name as string,
          namespace: needNamespace(o),
          requestsCpu: o.requestsCpu as string | undefined,
          requestsMemory: o.requestsMemory as string | undefined,
          limitsCpu: o.limitsCpu as string | undefined,
          limitsMemory: o.limitsMemory as string | undefined,
          pods: o.pods as number | undefined,
          services: o.services as number | undefined,
          persistentVolumeClaims: o.pvcs as number | undefined,
        },
        o,
      ),
    ),
  );
  common(
    create
      .command("limitrange <name>")
      .description("A LimitRange: default requests/limits and maximums per container")
      .option("--default-request-cpu <q>")
      .option("--default-request-memory <q>")
      .option("--default-limit-cpu <q>")
      .option("--default-limit-memory <q>")
      .option("--max-cpu <q>")
      .option("--max-memory <q>"),
  ).action(
    withRuntime(env, (rt, [name], o: Common & Record<string, string | undefined>) =>
      createFrom(
        rt,
        {
          kind: "LimitRange",
          name: name as string,
          namespace: needNamespace(o),
          defaultRequestCpu: o.defaultRequestCpu,
          defaultRequestMemory: o.defaultRequestMemory,
          defaultLimitCpu: o.defaultLimitCpu,
          defaultLimitMemory: o.defaultLimitMemory,
          maxCpu: o.maxCpu,
          maxMemory: o.maxMemory,
        },
        o,
      ),
    ),
  );
  common(
    create
      .command("role <name>")
      .description("A Role with one rule")
      .requiredOption("--verb <verbs>", "comma-separated: get,list,watch,create,update,patch,delete")
      .requiredOption("--resource <resources>", "comma-separated: pods,deployments")
      .option("--api-group <groups>", 'comma-separated API groups ("" for core)', ""),
  ).action(
    withRuntime(env, (rt, [name], o: Common & { verb: string; resource: string; apiGroup: string }) =>
      createFrom(
        rt,
        { kind: "Role", name: name as string, namespace: needNamespace(o), rules: [{ apiGroups: o.apiGroup === "" ? [""] : list(o.apiGroup), resources: list(o.resource), verbs: list(o.verb) as never }] },
        o,
      ),
    ),
  );
  common(
    create
      .command("rolebinding <name>")
      .description("A RoleBinding of a Role or ClusterRole to users, groups or service accounts")
      .option("--role <role>")
      .option("--clusterrole <role>")
      .option("--user <name>", "user (repeatable)", collect)
      .option("--group <name>", "group (repeatable)", collect)
      .option("--serviceaccount <ns:name>", "service account (repeatable)", collect),
  ).action(
    withRuntime(env, (rt, [name], o: Common & { role?: string; clusterrole?: string; user?: string[]; group?: string[]; serviceaccount?: string[] }) => {
      if (Boolean(o.role) === Boolean(o.clusterrole)) throw new UsageError("give exactly one of --role or --clusterrole");
      const subjects = [
        ...(o.user ?? []).map((n) => ({ kind: "User" as const, name: n })),
        ...(o.group ?? []).map((n) => ({ kind: "Group" as const, name: n })),
        ...(o.serviceaccount ?? []).map((s) => {
          const [a, b] = s.includes(":") ? s.split(":") : [undefined, s];
          return { kind: "ServiceAccount" as const, name: b as string, namespace: a };
        }),
      ];
      return createFrom(rt, { kind: "RoleBinding", name: name as string, namespace: needNamespace(o), roleKind: o.role ? "Role" : "ClusterRole", roleName: (o.role ?? o.clusterrole) as string, subjects }, o);
    }),
  );
  common(
    create
      .command("networkpolicy <name>")
      .alias("netpol")
      .description("A NetworkPolicy allowing ingress only from the given namespaces/pods and ports (none: deny all)")
      .option("--pod-selector <k=v,...>", "pods it applies to (default: all in the namespace)")
      .option("--allow-from-namespace <k=v,...>", "namespace selector (repeatable)", collect)
      .option("--allow-from-pod <k=v,...>", "pod selector (repeatable)", collect)
      .option("--port <port[/proto]>", "port (repeatable)", collect),
  ).action(
    withRuntime(env, (rt, [name], o: Common & { podSelector?: string; allowFromNamespace?: string[]; allowFromPod?: string[]; port?: string[] }) =>
      createFrom(
        rt,
        {
          kind: "NetworkPolicy",
          name: name as string,
          namespace: needNamespace(o),
          podSelector: parseLabels(o.podSelector ? [o.podSelector] : [], "--pod-selector"),
          allowFromNamespaces: (o.allowFromNamespace ?? []).map((x) => parseLabels([x], "--allow-from-namespace")),
          allowFromPods: (o.allowFromPod ?? []).map((x) => parseLabels([x], "--allow-from-pod")),
          ports: (o.port ?? []).map((p) => {
            const [port, proto] = p.split("/");
            return { port: Number(port), protocol: ((proto ?? "TCP").toUpperCase() as "TCP" | "UDP" | "SCTP") };
          }),
        },
        o,
      ),
    ),
  );
}
