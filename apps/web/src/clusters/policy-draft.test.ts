import { renderPolicyObject } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { checkPolicyDraft, describeIngress, emptyPolicyDraft, type PolicyDraft, parseSelector, rowId, visibleErrors } from "./policy-draft";

const draft = (patch: Partial<PolicyDraft>): PolicyDraft => ({ ...emptyPolicyDraft(patch.kind), ...patch });
const labels = (...pairs: [string, string][]) => pairs.map(([key, value]) => ({ id: rowId(), key, value }));

describe("policy drafts", () => {
  it("turn a filled quota into core's form and its object", () => {
    const c = checkPolicyDraft(draft({ kind: "ResourceQuota", name: " team ", namespace: "shop", requestsCpu: "2", limitsMemory: "4Gi", pods: "10" }));
    expect(c.errors).toEqual({});
    expect(c.form).toEqual({ kind: "ResourceQuota", name: "team", namespace: "shop", requestsCpu: "2", requestsMemory: undefined, limitsCpu: undefined, limitsMemory: "4Gi", pods: 10, services: undefined, persistentVolumeClaims: undefined });
    expect(renderPolicyObject(c.form as never)).toMatchObject({ spec: { hard: { "requests.cpu": "2", "limits.memory": "4Gi", pods: "10" } } });
  });

  it.each<[string, Partial<PolicyDraft>, Record<string, string>]>([
    ["a bad quantity", { kind: "ResourceQuota", name: "q", namespace: "shop", requestsCpu: "lots" }, { requestsCpu: "A quantity such as 500m, 2, 512Mi or 4Gi" }],
    ["a count that is not a number", { kind: "ResourceQuota", name: "q", namespace: "shop", pods: "ten" }, { pods: "A whole number, such as 10" }],
    ["a quota without limits", { kind: "ResourceQuota", name: "q", namespace: "shop" }, { "": "Set at least one limit" }],
    ["a missing name and an upper-case namespace", { kind: "LimitRange", namespace: "Shop" }, { name: "Required", namespace: "Lower-case letters, digits and dashes", "": "Set at least one default or maximum" }],
    ["a rule without verbs or resources", { kind: "Role", name: "r", namespace: "shop" }, { "rules.0.resources": "Name at least one resource, such as pods", "rules.0.verbs": "Choose at least one verb" }],
    ["a binding without a role or subject name", { kind: "RoleBinding", name: "b", namespace: "shop" }, { roleName: "Required", "subjects.0.name": "Required" }],
    ["a label without a key", { kind: "Namespace", name: "shop", labels: labels(["", "x"]) }, { "labels.0": "Give the key" }],
    ["a label value that is too long", { kind: "Namespace", name: "shop", labels: labels(["a", "b"], ["team", "x".repeat(64)]) }, { "labels.1": "At most 63 characters" }],
    ["a port out of range and a malformed selector", { kind: "NetworkPolicy", name: "p", namespace: "shop", ports: [{ id: 1, port: "70000", protocol: "TCP" }], allowFromPods: [{ id: 2, text: "app" }] }, { "ports.0": "At most 65535", "allowFromPods.0": "Write key=value pairs, comma-separated" }],
  ])("report %s at the field", (_, patch, errors) => {
    const c = checkPolicyDraft(draft(patch));
    expect(c.errors).toEqual(errors);
    expect(c.form).toBeNull();
  });

  it("skip empty label rows and read the core API group from an empty field", () => {
    const ns = checkPolicyDraft(draft({ kind: "Namespace", name: "shop", labels: labels(["", ""], ["team", "web"]) }));
    expect(ns.form).toEqual({ kind: "Namespace", name: "shop", labels: { team: "web" } });
    const role = checkPolicyDraft(draft({ kind: "Role", name: "r", namespace: "shop", rules: [{ id: 1, apiGroups: "", resources: "pods, services", verbs: ["get", "list"] }, { id: 2, apiGroups: 'apps, ""', resources: "deployments", verbs: ["get"] }] }));
    expect(role.form).toMatchObject({ rules: [{ apiGroups: [""], resources: ["pods", "services"] }, { apiGroups: ["apps", ""] }] });
  });

  it("give service accounts a namespace only when typed, and build a network policy's peers", () => {
    const b = checkPolicyDraft(
      draft({ kind: "RoleBinding", name: "b", namespace: "shop", roleKind: "Role", roleName: "reader", subjects: [{ id: 1, kind: "ServiceAccount", name: "ci", namespace: "" }, { id: 2, kind: "User", name: "ann", namespace: "ignored" }] }),
    );
    expect(b.form).toMatchObject({ subjects: [{ kind: "ServiceAccount", name: "ci" }, { kind: "User", name: "ann" }] });
    expect((b.form as { subjects: object[] }).subjects[1]).not.toHaveProperty("namespace");
    const p = checkPolicyDraft(
      draft({ kind: "NetworkPolicy", name: "p", namespace: "shop", podSelector: labels(["app", "api"]), allowFromNamespaces: [{ id: 1, text: "team=web, env=prod" }], ports: [{ id: 2, port: "8080", protocol: "TCP" }] }),
    );
    expect(p.form).toEqual({ kind: "NetworkPolicy", name: "p", namespace: "shop", podSelector: { app: "api" }, allowFromNamespaces: [{ team: "web", env: "prod" }], allowFromPods: [], ports: [{ port: 8080, protocol: "TCP" }] });
  });

  it("parse selectors like the CLI's flags", () => {
    expect(parseSelector("a=1, b = 2")).toEqual({ a: "1", b: "2" });
    expect(parseSelector("")).toEqual({});
    expect(parseSelector("a")).toBeNull();
  });
});

describe("visible errors", () => {
  const errors = { name: "Required", requestsCpu: "A quantity", "rules.0.verbs": "Choose at least one", "": "Set at least one limit" };
  it("show a field's error once it was edited, a row's once its list was, all after a submit", () => {
    expect(visibleErrors(errors, new Set(), false)).toEqual({});
    expect(visibleErrors(errors, new Set(["name"]), false)).toEqual({ name: "Required" });
    expect(visibleErrors(errors, new Set(["name", "rules"]), false)).toEqual({ name: "Required", "rules.0.verbs": "Choose at least one", "": "Set at least one limit" });
    expect(visibleErrors(errors, new Set(), true)).toEqual(errors);
  });
});

describe("the network policy in one sentence", () => {
  it("says that nothing allowed means all ingress denied, and lists sources and ports otherwise", () => {
    expect(describeIngress(draft({ kind: "NetworkPolicy" }))).toMatch(/^Every pod in the namespace: all ingress denied\./);
    expect(describeIngress(draft({ kind: "NetworkPolicy", ports: [{ id: 1, port: "53", protocol: "UDP" }] }))).toBe("Every pod in the namespace: ingress from anywhere, but only on 53/UDP. Everything else is denied.");
    expect(
      describeIngress(draft({ kind: "NetworkPolicy", podSelector: labels(["app", "db"]), allowFromNamespaces: [{ id: 1, text: "team=web" }, { id: 2, text: "broken" }], allowFromPods: [{ id: 3, text: "app=api" }] })),
    ).toBe("Pods labelled app=db: ingress only from namespaces labelled team=web or pods labelled app=api in this namespace, on any port. Everything else is denied.");
  });
});
