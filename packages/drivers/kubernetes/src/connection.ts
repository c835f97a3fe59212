import { AppError, type ClusterConnection, type ProbeResult } from "@meridian/core";
import { type KubeAppDriverOptions, createKubeAppDriver } from "./apps/app-driver.js";
import { createResolver } from "./discovery.js";
import { startKubeInventory } from "./inventory.js";
import { createKubeHttp } from "./kube-http.js";
import type { KubeTarget } from "./kubeconfig.js";
import { createLogReader } from "./logs.js";
import { createOperations } from "./operations.js";

type Condition = ProbeResult["conditions"][number];

function reachableReason(err: AppError): string {
  const net = (err.details as { network?: string } | undefined)?.network ?? "";
  if (net === "ECONNREFUSED") return "ConnectionRefused";
  if (net === "ETIMEDOUT") return "Timeout";
  if (net === "ENOTFOUND" || net === "EAI_AGAIN") return "DNSError";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS/.test(net)) return "TLSError";
  return "Unreachable";
}

export interface KubernetesConnectionOptions {
  log?: (msg: string, extra?: object) => void;
  apps?: KubeAppDriverOptions;
}

export function createKubernetesConnection(target: KubeTarget, opts: KubernetesConnectionOptions = {}): ClusterConnection {
  const http = createKubeHttp(target);
  const resolver = createResolver(http);
  const ops = createOperations(http, resolver);
  const logs = createLogReader(http, ops);
  const apps = createKubeAppDriver(http, resolver, ops, logs, opts.apps);

  return {
    runtime: "kubernetes",
    /** Reachable: /version answers over TLS. Authenticated: a namespaced list is not 401. Ready: /readyz is 200. */
    async probe(signal) {
      const conditions: Condition[] = [];
      let version: string | null = null;
      try {
        const v = await http.requestRaw("GET", "/version", { timeoutMs: 2500, signal });
        if (v.status === 200) version = (JSON.parse(v.body) as { gitVersion?: string }).gitVersion ?? null;
        conditions.push({ type: "Reachable", status: "True", reason: "Connected", message: `the API server at ${target.server} answers` });
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError("unavailable", String(err));
        conditions.push({ type: "Reachable", status: "False", reason: reachableReason(e), message: e.message });
        conditions.push({ type: "Authenticated", status: "Unknown", reason: "Unreachable", message: "the API server cannot be reached" });
        conditions.push({ type: "Ready", status: "False", reason: "Unreachable", message: "the API server cannot be reached" });
        return { conditions, version };
      }
      try {
        const auth = await http.requestRaw("GET", "/api/v1/namespaces?limit=1", { timeoutMs: 2500, signal });
        if (auth.status === 401) conditions.push({ type: "Authenticated", status: "False", reason: "Unauthorized", message: "the API server rejected the credentials (401)" });
        else if (auth.status === 403) conditions.push({ type: "Authenticated", status: "True", reason: "LimitedAccess", message: "authenticated, but not allowed to list namespaces" });
        else conditions.push({ type: "Authenticated", status: "True", reason: "Authenticated", message: "the credentials are accepted" });
        const ready = await http.requestRaw("GET", "/readyz", { timeoutMs: 2500, signal });
        if (auth.status === 401) conditions.push({ type: "Ready", status: "False", reason: "Unauthorized", message: "cannot read the cluster without valid credentials" });
        else if (ready.status === 200) conditions.push({ type: "Ready", status: "True", reason: "APIServerReady", message: "the API server reports ready" });
        else conditions.push({ type: "Ready", status: "False", reason: "APIServerNotReady", message: ready.body.slice(0, 300) || `readyz answered ${ready.status}` });
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError("unavailable", String(err));
        if (!conditions.some((c) => c.type === "Authenticated")) conditions.push({ type: "Authenticated", status: "Unknown", reason: "ProbeFailed", message: e.message });
        conditions.push({ type: "Ready", status: "False", reason: "ProbeFailed", message: e.message });
      }
      return { conditions, version };
    },
    startInventory: (sink) => startKubeInventory(http, sink, opts.log),
    getObject: ops.getObject,
    apply: ops.apply,
    deleteObject: ops.deleteObject,
    scale: ops.scale,
    restart: ops.restart,
    rollback: ops.rollback,
    setNodeSchedulable: ops.setNodeSchedulable,
    drainNode: ops.drainNode,
    streamLogs: logs.streamLogs,
    apps,
    async close() {
      http.close();
    },
  };
}
