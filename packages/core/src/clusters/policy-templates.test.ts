import { describe, expect, it } from "vitest";
import { renderPolicyObject } from "./policy-templates.js";

describe("policy forms", () => {
  it("renders a quota with only the limits given", () => {
    expect(renderPolicyObject({ kind: "ResourceQuota", name: "team", namespace: "shop", requestsCpu: "4", limitsMemory: "8Gi", pods: 20 })).toEqual({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "team", namespace: "shop" },
      spec: { hard: { "requests.cpu": "4", "limits.memory": "8Gi", pods: "20" } },
    });
  });
  it("renders a deny-all network policy when nothing is allowed, and allow rules otherwise", () => {
    const deny = renderPolicyObject({ kind: "NetworkPolicy", name: "deny", namespace: "shop", podSelector: {} }) as { spec: { ingress: unknown[]; podSelector: unknown } };
    expect(deny.spec.ingress).toEqual([]);
    expect(deny.spec.podSelector).toEqual({});
    const allow = renderPolicyObject({ kind: "NetworkPolicy", name: "web", namespace: "shop", podSelector: { app: "web" }, allowFromPods: [{ app: "gw" }], ports: [{ port: 80, protocol: "TCP" }] }) as { spec: { ingress: unknown[] } };
    expect(allow.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: "gw" } } }], ports: [{ port: 80, protocol: "TCP" }] }]);
  });
  it("binds service accounts in the binding's namespace by default", () => {
    const rb = renderPolicyObject({ kind: "RoleBinding", name: "ci", namespace: "shop", roleKind: "ClusterRole", roleName: "edit", subjects: [{ kind: "ServiceAccount", name: "deployer" }, { kind: "User", name: "ana" }] }) as { subjects: unknown[] };
    expect(rb.subjects).toEqual([
      { kind: "ServiceAccount", name: "deployer", namespace: "shop" },
      { kind: "User", name: "ana", apiGroup: "rbac.authorization.k8s.io" },
    ]);
  });
  it("rejects bad input with the field named", () => {
    expect(() => renderPolicyObject({ kind: "ResourceQuota", name: "q", namespace: "shop" })).toThrow(/at least one limit/);
    expect(() => renderPolicyObject({ kind: "LimitRange", name: "l", namespace: "shop" })).toThrow(/at least one default or maximum/);
    expect(() => renderPolicyObject({ kind: "LimitRange", name: "l", namespace: "shop", maxCpu: "lots" })).toThrow(/quantity/);
    expect(() => renderPolicyObject({ kind: "Namespace", name: "Bad_Name" })).toThrow(/lower-case/);
  });
});
