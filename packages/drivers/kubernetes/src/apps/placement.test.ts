import { describe, expect, it } from "vitest";
import { renderPlacement } from "./placement.js";

describe("renderPlacement", () => {
  it.each([
    [[], {}],
    [["node.labels.zone==a"], { nodeSelector: { zone: "a" } }],
    [["node.labels.topology.kubernetes.io/zone == eu-1a", "node.hostname==kwok-node-0"], { nodeSelector: { "topology.kubernetes.io/zone": "eu-1a", "kubernetes.io/hostname": "kwok-node-0" } }],
    [["node.platform.arch==x86_64", "node.platform.os==linux"], { nodeSelector: { "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux" } }],
    [
      ["node.labels.gpu!=none", "node.hostname!=n1"],
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: "gpu", operator: "NotIn", values: ["none"] },
                    { key: "kubernetes.io/hostname", operator: "NotIn", values: ["n1"] },
                  ],
                },
              ],
            },
          },
        },
      },
    ],
    [["node.role==manager", "node.id==abc"], {}],
  ] as [string[], object][])("%j", (constraints, want) => {
    expect(renderPlacement(constraints)).toEqual(want);
  });
});
