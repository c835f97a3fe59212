import { AppError } from "@meridian/core";
import { parse } from "yaml";

/** Everything needed to talk to one API server, resolved from a kubeconfig context or given directly. */
export interface KubeTarget {
  server: string;
  caData?: string;
  insecureSkipTlsVerify?: boolean;
  token?: string;
  clientCertData?: string;
  clientKeyData?: string;
  /** The context's default namespace, if any. */
  namespace?: string;
}

export interface KubeContextInfo {
  name: string;
  cluster: string;
  server: string | null;
  user: string;
  namespace: string | null;
  authMethod: string;
  problem: string | null;
}

interface Named<T> {
  name?: unknown;
  [k: string]: unknown;
  value?: T;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

function parseDoc(text: string): Obj {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw new AppError("invalid_input", `the kubeconfig is not valid YAML: ${(cause as Error).message.split("\n")[0]}`, { cause });
  }
  if (!isObj(doc) || (doc.kind !== undefined && doc.kind !== "Config")) {
    throw new AppError("invalid_input", "this is not a kubeconfig (expected a YAML document with kind: Config, clusters, users and contexts)");
  }
  return doc;
}

function listNamed(doc: Obj, field: "clusters" | "users" | "contexts", inner: "cluster" | "user" | "context"): Map<string, Obj> {
  const out = new Map<string, Obj>();
  const arr = doc[field];
  if (arr === undefined || arr === null) return out;
  if (!Array.isArray(arr)) throw new AppError("invalid_input", `kubeconfig: '${field}' must be a list`);
  for (const entry of arr as Named<unknown>[]) {
    if (!isObj(entry) || !str(entry.name)) throw new AppError("invalid_input", `kubeconfig: every entry of '${field}' needs a name`);
    out.set(entry.name as string, isObj(entry[inner]) ? (entry[inner] as Obj) : {});
  }
  return out;
}

/** Known exec credential plugins, so the message says what the user would need. */
function describeExec(exec: Obj): string {
  const cmd = str(exec.command) ?? "an exec plugin";
  const args = Array.isArray(exec.args) ? exec.args.filter((a): a is string => typeof a === "string") : [];
  const base = cmd.split("/").pop() ?? cmd;
  let cloud = "";
  if (base === "aws" || base === "aws-iam-authenticator") cloud = " (Amazon EKS)";
  else if (base === "gke-gcloud-auth-plugin" || base === "gcloud") cloud = " (Google GKE)";
  else if (base === "kubelogin") cloud = " (Azure AKS / OIDC)";
  return `'${[base, ...args.slice(0, 3)].join(" ")}'${cloud}`;
}

function authProblem(user: Obj): { method: string; problem: string | null } {
  if (isObj(user.exec)) {
    return {
      method: "exec",
      problem: `this user gets its credentials by running ${describeExec(user.exec)} on your machine; Meridian cannot run credential plugins yet (cloud credential providers come later). Use a service-account token or a client certificate instead`,
    };
  }
  if (isObj(user["auth-provider"])) {
    const name = str((user["auth-provider"] as Obj).name) ?? "an auth provider";
    return { method: "auth-provider", problem: `this user authenticates with the '${name}' auth-provider plugin, which Meridian cannot run; use a token or a client certificate` };
  }
  for (const f of ["client-certificate", "client-key", "tokenFile"] as const) {
    if (str(user[f]) && !str(user[`${f}-data`])) {
      return { method: f, problem: `the user's '${f}' points to a file on another machine (${String(user[f])}); embed it with \`kubectl config view --flatten --minify\`` };
    }
  }
  if (str(user.token)) return { method: "token", problem: null };
  if (str(user["client-certificate-data"]) && str(user["client-key-data"])) return { method: "client-certificate", problem: null };
  if (str(user.username)) return { method: "basic", problem: "basic authentication (username/password) was removed from Kubernetes; use a token or a client certificate" };
  return { method: "none", problem: "the user has no token or client certificate" };
}

function clusterProblem(cluster: Obj | undefined, name: string): string | null {
  if (!cluster) return `the context names cluster '${name}', which the kubeconfig does not define`;
  if (!str(cluster.server)) return `cluster '${name}' has no server URL`;
  if (str(cluster["certificate-authority"]) && !str(cluster["certificate-authority-data"])) {
    return `cluster '${name}' points to a CA file on another machine (${String(cluster["certificate-authority"])}); embed it with \`kubectl config view --flatten --minify\``;
  }
  if (!/^https?:\/\//.test(cluster.server as string)) return `cluster '${name}' has a server URL that is not http(s): ${String(cluster.server)}`;
  return null;
}

export function listKubeconfigContexts(text: string): { currentContext: string | null; contexts: KubeContextInfo[] } {
  const doc = parseDoc(text);
  const clusters = listNamed(doc, "clusters", "cluster");
  const users = listNamed(doc, "users", "user");
  const contexts = listNamed(doc, "contexts", "context");
  const out: KubeContextInfo[] = [];
  for (const [name, ctx] of contexts) {
    const clusterName = str(ctx.cluster) ?? "";
    const userName = str(ctx.user) ?? "";
    const cluster = clusters.get(clusterName);
    const user = users.get(userName);
    const auth = user ? authProblem(user) : { method: "none", problem: `the context names user '${userName}', which the kubeconfig does not define` };
    out.push({
      name,
      cluster: clusterName,
      server: str(cluster?.server) ?? null,
      user: userName,
      namespace: str(ctx.namespace) ?? null,
      authMethod: auth.method,
      problem: clusterProblem(cluster, clusterName) ?? auth.problem,
    });
  }
  return { currentContext: str(doc["current-context"]) ?? null, contexts: out };
}

const fromB64 = (v: unknown): string | undefined => (str(v) ? Buffer.from(v as string, "base64").toString("utf8") : undefined);

/** Resolves one context to a target, or throws `invalid_input` saying exactly what is missing. */
export function resolveKubeconfig(text: string, contextName?: string): { target: KubeTarget; context: string; authMethod: string } {
  const { currentContext, contexts } = listKubeconfigContexts(text);
  if (contexts.length === 0) throw new AppError("invalid_input", "the kubeconfig defines no contexts");
  const wanted = contextName ?? currentContext ?? (contexts.length === 1 ? contexts[0]?.name : undefined);
  if (!wanted) throw new AppError("invalid_input", `the kubeconfig has no current-context; pick one of: ${contexts.map((c) => c.name).join(", ")}`);
  const info = contexts.find((c) => c.name === wanted);
  if (!info) throw new AppError("invalid_input", `context '${wanted}' is not in the kubeconfig; it has: ${contexts.map((c) => c.name).join(", ")}`, { details: { contexts: contexts.map((c) => c.name) } });
  if (info.problem) throw new AppError("invalid_input", `context '${wanted}': ${info.problem}`, { details: { context: wanted, authMethod: info.authMethod } });
  const doc = parseDoc(text);
  const cluster = listNamed(doc, "clusters", "cluster").get(info.cluster) as Obj;
  const user = listNamed(doc, "users", "user").get(info.user) as Obj;
  const target: KubeTarget = {
    server: (cluster.server as string).replace(/\/+$/, ""),
    caData: fromB64(cluster["certificate-authority-data"]),
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    token: str(user.token),
    clientCertData: fromB64(user["client-certificate-data"]),
    clientKeyData: fromB64(user["client-key-data"]),
    namespace: info.namespace ?? undefined,
  };
  return { target, context: wanted, authMethod: info.authMethod };
}
