import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type K8sPorts, type TestbedPaths, getK8sPorts, getPaths } from "../lib/config.js";
import { type KubeApi, createKubeApi } from "./kube-api.js";
import { readClientIdentity } from "./pki.js";

export type K8sContext = {
  paths: TestbedPaths;
  ports: K8sPorts;
  runDir: string;
  pkiDir: string;
  kubeconfigDir: string;
  server: string;
};

/** What `k8s up` was asked for; kept so that a second `up` and `status` know the intended shape. */
export type K8sState = { nodes: number; metrics: boolean; disableQpsLimits: boolean };

export function getK8sContext(): K8sContext {
  const paths = getPaths();
  const ports = getK8sPorts();
  const runDir = paths.k8sRun;
  return {
    paths,
    ports,
    runDir,
    pkiDir: join(runDir, "pki"),
    kubeconfigDir: join(runDir, "kubeconfig"),
    server: `https://127.0.0.1:${ports.apiserver}`,
  };
}

export function getKubeconfigPath(ctx: K8sContext, user: string): string {
  return join(ctx.kubeconfigDir, `${user}.kubeconfig`);
}

export function createAdminApi(ctx: K8sContext): KubeApi {
  return createKubeApi(ctx.server, readClientIdentity(ctx.pkiDir, "admin"));
}

export function readK8sState(ctx: K8sContext): K8sState | undefined {
  try {
    return JSON.parse(readFileSync(join(ctx.runDir, "state.json"), "utf8")) as K8sState;
  } catch {
    return undefined;
  }
}

export function writeK8sState(ctx: K8sContext, state: K8sState): void {
  mkdirSync(ctx.runDir, { recursive: true });
  writeFileSync(join(ctx.runDir, "state.json"), `${JSON.stringify(state, null, 2)}\n`);
}
