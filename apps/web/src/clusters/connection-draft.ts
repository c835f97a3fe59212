import type { ClusterConnectionInput } from "@meridian/core";

export type ConnectionMode = "kubeconfig" | "direct" | "swarm";

/** Everything the connection forms hold; only the active mode's fields are sent. */
export interface ConnectionDraft {
  mode: ConnectionMode;
  kubeconfig: string;
  context: string;
  server: string;
  caData: string;
  insecureSkipTlsVerify: boolean;
  auth: "token" | "certificate";
  token: string;
  clientCertData: string;
  clientKeyData: string;
  host: string;
  tlsCaData: string;
  tlsCertData: string;
  tlsKeyData: string;
  sshPrivateKey: string;
  sshKnownHosts: string;
  insecureSkipHostKeyCheck: boolean;
}

export const emptyConnection = (mode: ConnectionMode = "kubeconfig"): ConnectionDraft => ({
  mode,
  kubeconfig: "",
  context: "",
  server: "",
  caData: "",
  insecureSkipTlsVerify: false,
  auth: "token",
  token: "",
  clientCertData: "",
  clientKeyData: "",
  host: "",
  tlsCaData: "",
  tlsCertData: "",
  tlsKeyData: "",
  sshPrivateKey: "",
  sshKnownHosts: "",
  insecureSkipHostKeyCheck: false,
});

const opt = (s: string): string | undefined => (s.trim() === "" ? undefined : s.trim());

/** The API's connection input for the active mode; blank optional fields are left out, not sent empty. */
export function toConnection(d: ConnectionDraft): ClusterConnectionInput {
  switch (d.mode) {
    case "kubeconfig":
      return { kind: "kubernetes", kubeconfig: d.kubeconfig, ...(opt(d.context) ? { context: d.context } : {}) };
    case "direct":
      return {
        kind: "kubernetes",
        server: d.server.trim(),
        ...(opt(d.caData) ? { caData: d.caData.trim() } : {}),
        ...(d.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
        ...(d.auth === "token" ? { token: d.token.trim() } : { clientCertData: d.clientCertData.trim(), clientKeyData: d.clientKeyData.trim() }),
      };
    case "swarm": {
      const host = d.host.trim();
      const tls = host.startsWith("tcp://") && opt(d.tlsCaData) && opt(d.tlsCertData) && opt(d.tlsKeyData);
      const ssh = host.startsWith("ssh://");
      return {
        kind: "swarm",
        host,
        ...(tls ? { tls: { caData: d.tlsCaData.trim(), certData: d.tlsCertData.trim(), keyData: d.tlsKeyData.trim() } } : {}),
        ...(ssh && opt(d.sshPrivateKey) ? { sshPrivateKey: d.sshPrivateKey.trim() } : {}),
        ...(ssh && opt(d.sshKnownHosts) ? { sshKnownHosts: d.sshKnownHosts.trim() } : {}),
        ...(ssh && d.insecureSkipHostKeyCheck ? { insecureSkipHostKeyCheck: true } : {}),
      };
    }
    default: {
      const never: never = d.mode;
      throw new Error(`unknown mode ${String(never)}`);
    }
  }
}

/** "env=prod, team=payments" (commas or new lines) -> { env: "prod", team: "payments" }; a bare key gets "". */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf("=");
    if (eq < 0) out[t] = "";
    else out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => (v ? `${k}=${v}` : k))
    .join(", ");
}
