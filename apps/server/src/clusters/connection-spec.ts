import { AppError, type ClusterConnection, type ClusterConnectionInput } from "@meridian/core";
import { createKubernetesConnection, type KubeTarget, resolveKubeconfig } from "@meridian/driver-kubernetes";
import { createSwarmConnection, describeSwarmEndpoint, type SwarmConnectionConfig } from "@meridian/driver-swarm";

/**
 * What Meridian stores for a cluster: the resolved target only (never the whole kubeconfig, which may hold
 * other clusters' credentials), split into what may be shown (endpoint, auth method) and the secret part.
 */
export type StoredCredentials = { runtime: "kubernetes"; target: KubeTarget } | { runtime: "swarm"; config: SwarmConnectionConfig & { router?: { caddyAdminUrl: string; upstreamHost?: string } } };

export interface NormalizedConnection {
  runtime: "kubernetes" | "swarm";
  endpoint: string;
  context: string | null;
  authMethod: string;
  credentials: StoredCredentials;
}

export function normalizeConnection(input: ClusterConnectionInput): NormalizedConnection {
  if (input.kind === "swarm") {
    const { kind: _k, ...config } = input;
    if (config.host.startsWith("ssh://") && !config.sshPrivateKey) throw new AppError("invalid_input", "an ssh:// Docker host needs sshPrivateKey", { details: { issues: [{ path: "body.connection.sshPrivateKey", message: "required for ssh://" }] } });
    if (config.host.startsWith("ssh://") && !config.sshKnownHosts && !config.insecureSkipHostKeyCheck) {
      throw new AppError("invalid_input", "an ssh:// Docker host needs sshKnownHosts (or insecureSkipHostKeyCheck)", { details: { issues: [{ path: "body.connection.sshKnownHosts", message: "required for ssh://" }] } });
    }
    const d = describeSwarmEndpoint(config);
    return { runtime: "swarm", endpoint: d.endpoint, context: null, authMethod: d.authMethod, credentials: { runtime: "swarm", config } };
  }
  if ("kubeconfig" in input) {
    const { target, context, authMethod } = resolveKubeconfig(input.kubeconfig, input.context);
    return { runtime: "kubernetes", endpoint: target.server, context, authMethod, credentials: { runtime: "kubernetes", target } };
  }
  const target: KubeTarget = {
    server: input.server.replace(/\/+$/, ""),
    caData: input.caData,
    insecureSkipTlsVerify: input.insecureSkipTlsVerify,
    token: input.token,
    clientCertData: input.clientCertData,
    clientKeyData: input.clientKeyData,
  };
  return { runtime: "kubernetes", endpoint: target.server, context: null, authMethod: input.token ? "token" : "client-certificate", credentials: { runtime: "kubernetes", target } };
}

export function openConnection(creds: StoredCredentials, log?: (msg: string, extra?: object) => void): ClusterConnection {
  return creds.runtime === "kubernetes" ? createKubernetesConnection(creds.target, { log }) : createSwarmConnection(creds.config, { log, router: creds.config.router });
}
