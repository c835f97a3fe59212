import { describe, expect, it } from "vitest";
import { listKubeconfigContexts, resolveKubeconfig } from "./kubeconfig.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const config = `apiVersion: v1
kind: Config
current-context: dev
clusters:
  - name: dev
    cluster: { server: "https://dev.example:6443/", certificate-authority-data: ${b64("CA PEM")} }
  - name: files
    cluster: { server: "https://files.example", certificate-authority: /home/me/ca.crt }
users:
  - name: token-user
    user: { token: abc }
  - name: cert-user
    user: { client-certificate-data: ${b64("CERT")}, client-key-data: ${b64("KEY")} }
  - name: gke
    user: { exec: { command: gke-gcloud-auth-plugin } }
  - name: old
    user: { username: a, password: b }
contexts:
  - name: dev
    context: { cluster: dev, user: token-user, namespace: team }
  - name: dev-cert
    context: { cluster: dev, user: cert-user }
  - name: gke
    context: { cluster: dev, user: gke }
  - name: basic
    context: { cluster: dev, user: old }
  - name: files
    context: { cluster: files, user: token-user }
  - name: dangling
    context: { cluster: nowhere, user: token-user }
`;

describe("kubeconfig", () => {
  it("lists contexts with their auth method and what stops each from being used", () => {
    const r = listKubeconfigContexts(config);
    expect(r.currentContext).toBe("dev");
    const by = Object.fromEntries(r.contexts.map((c) => [c.name, c]));
    expect(by.dev).toMatchObject({ authMethod: "token", problem: null, namespace: "team", server: "https://dev.example:6443/" });
    expect(by["dev-cert"]).toMatchObject({ authMethod: "client-certificate", problem: null });
    expect(by.gke?.problem).toMatch(/gke-gcloud-auth-plugin.*Google GKE/);
    expect(by.basic?.problem).toMatch(/basic authentication/);
    expect(by.files?.problem).toMatch(/CA file on another machine.*--flatten/);
    expect(by.dangling?.problem).toMatch(/cluster 'nowhere'/);
  });

  it("resolves the current or a named context to a target with decoded certificates", () => {
    expect(resolveKubeconfig(config).target).toMatchObject({ server: "https://dev.example:6443", caData: "CA PEM", token: "abc", namespace: "team" });
    expect(resolveKubeconfig(config, "dev-cert").target).toMatchObject({ clientCertData: "CERT", clientKeyData: "KEY" });
    expect(() => resolveKubeconfig(config, "gke")).toThrow(/credential plugins/);
    expect(() => resolveKubeconfig(config, "missing")).toThrow(/context 'missing' is not in the kubeconfig; it has: dev, dev-cert/);
  });

  it("rejects what is not a kubeconfig", () => {
    expect(() => listKubeconfigContexts("kind: Deployment\n")).toThrow(/not a kubeconfig/);
    expect(() => listKubeconfigContexts("a: [")).toThrow(/not valid YAML/);
    expect(() => resolveKubeconfig("apiVersion: v1\nkind: Config\n")).toThrow(/no contexts/);
  });
});
