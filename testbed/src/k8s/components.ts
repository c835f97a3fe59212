import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getKwokStagePath, kwokStageFiles } from "../build/go-build.js";
import type { DaemonSpec } from "../lib/processes.js";
import { type K8sContext, getKubeconfigPath } from "./context.js";

/** Start order; `down` stops in reverse. */
export const k8sComponents = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kwok",
  "metrics-server",
] as const;

export type K8sComponent = (typeof k8sComponents)[number];


/** More stage workers than kwok's default 4, so pods turn Running faster in scale runs. */
const kwokOptions = `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  podPlayStageParallelism: 16
  nodePlayStageParallelism: 8
  nodeLeaseParallelism: 8`;

export function writeKwokConfig(ctx: K8sContext): string {
  const stages = kwokStageFiles.map((file) => readFileSync(getKwokStagePath(ctx.paths, file), "utf8").trim());
  const docs = [kwokOptions, ...stages];
  const path = join(ctx.runDir, "kwok.yaml");
  writeFileSync(path, `${docs.join("\n---\n")}\n`);
  return path;
}

function bin(ctx: K8sContext, name: string): string {
  return join(ctx.paths.bin, name);
}

export function getComponentSpec(ctx: K8sContext, name: K8sComponent, disableQpsLimits: boolean): DaemonSpec {
  const { ports, pkiDir: p, runDir } = ctx;
  const pki = (file: string) => join(p, file);
  const clientQps = disableQpsLimits
    ? ["--kube-api-qps=5000", "--kube-api-burst=10000"]
    : ["--kube-api-qps=200", "--kube-api-burst=400"];
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  switch (name) {
    case "etcd":
      return {
        name,
        argv: [
          bin(ctx, "etcd"),
          "--name=testbed",
          `--data-dir=${join(runDir, "etcd")}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-cluster=testbed=http://127.0.0.1:${ports.etcdPeer}`,
          "--listen-metrics-urls=",
          "--quota-backend-bytes=8589934592",
          "--auto-compaction-mode=periodic",
          "--auto-compaction-retention=5m",
          "--unsafe-no-fsync=true",
          "--log-level=warn",
        ],
      };
    case "kube-apiserver":
      return {
        name,
        argv: [
          bin(ctx, "kube-apiserver"),
          `--etcd-servers=${etcdUrl}`,
          "--bind-address=127.0.0.1",
          `--secure-port=${ports.apiserver}`,
          `--cert-dir=${join(runDir, "apiserver-certs")}`,
          `--tls-cert-file=${pki("apiserver.crt")}`,
          `--tls-private-key-file=${pki("apiserver.key")}`,
          `--client-ca-file=${pki("ca.crt")}`,
          "--authorization-mode=Node,RBAC",
          "--allow-privileged=true",
          "--service-cluster-ip-range=10.96.0.0/16",
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-account-key-file=${pki("sa.pub")}`,
          `--service-account-signing-key-file=${pki("sa.key")}`,
          `--requestheader-client-ca-file=${pki("front-proxy-ca.crt")}`,
          "--requestheader-allowed-names=front-proxy-client",
          "--requestheader-username-headers=X-Remote-User",
          "--requestheader-group-headers=X-Remote-Group",
          "--requestheader-extra-headers-prefix=X-Remote-Extra-",
          `--proxy-client-cert-file=${pki("front-proxy-client.crt")}`,
          `--proxy-client-key-file=${pki("front-proxy-client.key")}`,
          ...(disableQpsLimits
            ? ["--max-requests-inflight=0", "--max-mutating-requests-inflight=0", "--enable-priority-and-fairness=false"]
            : []),
        ],
      };
    case "kube-controller-manager": {
      const kubeconfig = getKubeconfigPath(ctx, "kube-controller-manager");
      return {
        name,
        argv: [
          bin(ctx, "kube-controller-manager"),
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          "--bind-address=127.0.0.1",
          `--secure-port=${ports.controllerManager}`,
          `--cert-dir=${join(runDir, "kcm-certs")}`,
          "--leader-elect=false",
          "--use-service-account-credentials=true",
          `--service-account-private-key-file=${pki("sa.key")}`,
          `--root-ca-file=${pki("ca.crt")}`,
          `--cluster-signing-cert-file=${pki("ca.crt")}`,
          `--cluster-signing-key-file=${pki("ca.key")}`,
          ...clientQps,
        ],
      };
    }
    case "kube-scheduler": {
      const kubeconfig = getKubeconfigPath(ctx, "kube-scheduler");
      return {
        name,
        argv: [
          bin(ctx, "kube-scheduler"),
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          "--bind-address=127.0.0.1",
          `--secure-port=${ports.scheduler}`,
          `--cert-dir=${join(runDir, "scheduler-certs")}`,
          "--leader-elect=false",
          ...clientQps,
        ],
      };
    }
    case "kwok":
      return {
        name,
        argv: [
          bin(ctx, "kwok"),
          `--kubeconfig=${getKubeconfigPath(ctx, "kwok")}`,
          `--config=${join(runDir, "kwok.yaml")}`,
          "--manage-all-nodes=false",
          "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
          "--node-ip=127.0.0.1",
          "--node-name=localhost",
          `--node-port=${ports.kwok}`,
          `--server-address=127.0.0.1:${ports.kwok}`,
          `--tls-cert-file=${pki("kwok.crt")}`,
          `--tls-private-key-file=${pki("kwok.key")}`,
          "--node-lease-duration-seconds=40",
          "--cidr=10.127.0.0/16",
          "--v=WARN",
        ],
      };
    case "metrics-server": {
      const kubeconfig = getKubeconfigPath(ctx, "metrics-server");
      return {
        name,
        argv: [
          bin(ctx, "metrics-server"),
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          "--bind-address=127.0.0.1",
          `--secure-port=${ports.metricsServer}`,
          `--cert-dir=${join(runDir, "metrics-server-certs")}`,
          "--kubelet-preferred-address-types=InternalIP,Hostname",
          "--kubelet-use-node-status-port",
          "--kubelet-insecure-tls",
          "--metric-resolution=15s",
        ],
      };
    }
  }
}

export function getComponentPort(ctx: K8sContext, name: K8sComponent): Record<string, number> {
  const ports = ctx.ports;
  switch (name) {
    case "etcd":
      return { "etcd client": ports.etcdClient, "etcd peer": ports.etcdPeer };
    case "kube-apiserver":
      return { "kube-apiserver": ports.apiserver };
    case "kube-controller-manager":
      return { "kube-controller-manager": ports.controllerManager };
    case "kube-scheduler":
      return { "kube-scheduler": ports.scheduler };
    case "kwok":
      return { kwok: ports.kwok };
    case "metrics-server":
      return { "metrics-server": ports.metricsServer };
  }
}
