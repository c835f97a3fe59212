import { renderPolicyObject } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { toYaml, yamlString } from "./yaml-text";

describe("toYaml", () => {
  it.each([
    ["web", "web"],
    ["requests.cpu", "requests.cpu"],
    ["rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1"],
    ["500m", "500m"],
    ["4Gi", "4Gi"],
    ["2", '"2"'],
    ["1.5", '"1.5"'],
    ["1e3", '"1e3"'],
    ["0x1F", '"0x1F"'],
    ["", '""'],
    ["*", '"*"'],
    ["true", '"true"'],
    ["No", '"No"'],
    ["null", '"null"'],
    ["a: b", '"a: b"'],
    ["-x", '"-x"'],
    ["app.kubernetes.io/name", "app.kubernetes.io/name"],
    ["two words", '"two words"'],
  ])("writes %j as %s", (input, out) => {
    expect(yamlString(input)).toBe(out);
  });

  it("writes nested maps and lists in block style, empty ones inline", () => {
    const obj = { kind: "Role", rules: [{ apiGroups: [""], resources: ["pods", "services"], verbs: ["get"] }], spec: { podSelector: {}, ingress: [] }, count: 3, skip: undefined };
    expect(toYaml(obj)).toBe(
      [
        "kind: Role",
        "rules:",
        '  - apiGroups:',
        '      - ""',
        "    resources:",
        "      - pods",
        "      - services",
        "    verbs:",
        "      - get",
        "spec:",
        "  podSelector: {}",
        "  ingress: []",
        "count: 3",
        "",
      ].join("\n"),
    );
  });

  it("renders a quota the way kubectl would read it (counts stay strings)", () => {
    const quota = renderPolicyObject({ kind: "ResourceQuota", name: "team", namespace: "shop", requestsCpu: "2", limitsMemory: "4Gi", pods: 10 });
    expect(toYaml(quota)).toBe(
      ["apiVersion: v1", "kind: ResourceQuota", "metadata:", "  name: team", "  namespace: shop", "spec:", "  hard:", '    requests.cpu: "2"', "    limits.memory: 4Gi", '    pods: "10"', ""].join("\n"),
    );
  });

  it("puts a list of lists and a list of maps with nested maps under their dash", () => {
    expect(toYaml({ from: [{ namespaceSelector: { matchLabels: { team: "web" } } }], m: [[1, 2]] })).toBe(
      ["from:", "  - namespaceSelector:", "      matchLabels:", "        team: web", "m:", "  -", "    - 1", "    - 2", ""].join("\n"),
    );
  });
});
