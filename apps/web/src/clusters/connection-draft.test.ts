import { ClusterConnectionInput } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { emptyConnection, formatLabels, parseLabels, toConnection } from "./connection-draft";

describe("toConnection", () => {
  it("sends a kubeconfig with its context", () => {
    const c = toConnection({ ...emptyConnection("kubeconfig"), kubeconfig: "apiVersion: v1", context: "prod" });
    expect(c).toEqual({ kind: "kubernetes", kubeconfig: "apiVersion: v1", context: "prod" });
    expect(ClusterConnectionInput.safeParse(c).success).toBe(true);
  });

  it("sends a token or a client certificate, never both, and leaves blank optionals out", () => {
    const base = { ...emptyConnection("direct"), server: " https://k8s.example:6443 ", token: "t0k", clientCertData: "CERT", clientKeyData: "KEY" };
    expect(toConnection(base)).toEqual({ kind: "kubernetes", server: "https://k8s.example:6443", token: "t0k" });
    const cert = toConnection({ ...base, auth: "certificate", caData: "CA", insecureSkipTlsVerify: true });
    expect(cert).toEqual({ kind: "kubernetes", server: "https://k8s.example:6443", caData: "CA", insecureSkipTlsVerify: true, clientCertData: "CERT", clientKeyData: "KEY" });
    expect(ClusterConnectionInput.safeParse(cert).success).toBe(true);
  });

  it("sends only the transport's own Swarm secrets", () => {
    const d = { ...emptyConnection("swarm"), tlsCaData: "CA", tlsCertData: "C", tlsKeyData: "K", sshPrivateKey: "SSH", sshKnownHosts: "host ssh-ed25519 AAA" };
    expect(toConnection({ ...d, host: "unix:///var/run/docker.sock" })).toEqual({ kind: "swarm", host: "unix:///var/run/docker.sock" });
    expect(toConnection({ ...d, host: "tcp://m1:2376" })).toEqual({ kind: "swarm", host: "tcp://m1:2376", tls: { caData: "CA", certData: "C", keyData: "K" } });
    const ssh = toConnection({ ...d, host: "ssh://ops@m1" });
    expect(ssh).toEqual({ kind: "swarm", host: "ssh://ops@m1", sshPrivateKey: "SSH", sshKnownHosts: "host ssh-ed25519 AAA" });
    expect(ClusterConnectionInput.safeParse(ssh).success).toBe(true);
  });
});

describe("labels", () => {
  it("round-trips key=value lists", () => {
    const l = parseLabels("env=prod, team = payments\nregion=eu,, canary");
    expect(l).toEqual({ env: "prod", team: "payments", region: "eu", canary: "" });
    expect(formatLabels(l)).toBe("env=prod, team=payments, region=eu, canary");
  });
});
