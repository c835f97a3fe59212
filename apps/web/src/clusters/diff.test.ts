import { describe, expect, it } from "vitest";
import { diffLineKind, diffStats } from "./diff";

describe("diff lines", () => {
  it.each([
    ["--- before", "header"],
    ["+++ after", "header"],
    ["===================================================================", "header"],
    ["Index: deployment.apps/web", "header"],
    ["@@ -1,3 +1,3 @@", "hunk"],
    ["+  replicas: 3", "add"],
    ["-  replicas: 2", "remove"],
    ["   name: web", "context"],
  ] as const)("%j is %s", (line, kind) => expect(diffLineKind(line)).toBe(kind));

  it("counts additions and removals, not headers", () => {
    expect(diffStats("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n+z\n ctx")).toEqual({ added: 2, removed: 1 });
  });
});
