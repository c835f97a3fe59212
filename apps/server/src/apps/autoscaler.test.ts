import { describe, expect, it } from "vitest";
import { decideReplicas } from "./autoscaler.js";

describe("decideReplicas", () => {
  const a = { min: 1, max: 5, cpuTarget: 50 };
  it("scales toward the target in proportion to the average use, within min and max", () => {
    expect(decideReplicas(2, [100, 100], a)).toBe(4);
    expect(decideReplicas(4, [10, 12, 8, 10], a)).toBe(1);
    expect(decideReplicas(4, [200, 200, 200, 200], a)).toBe(5);
  });
  it("holds within 10% of the target and without samples", () => {
    expect(decideReplicas(3, [52, 48, 53], a)).toBe(3);
    expect(decideReplicas(3, [], a)).toBe(3);
    expect(decideReplicas(9, [], a)).toBe(5);
  });
});
