import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findMissingPermissions, type Grant, isAllowed, type Scope, scopeCovers } from "./evaluate.js";
import { builtinRoles, expandPermissions, listConcretePermissions, type Permission } from "./permissions.js";

const org: Scope = { kind: "organization" };
const p1: Scope = { kind: "project", projectId: "p1" };
const p2: Scope = { kind: "project", projectId: "p2" };
const e1: Scope = { kind: "environment", projectId: "p1", environmentId: "e1" };
const e2: Scope = { kind: "environment", projectId: "p1", environmentId: "e2" };

const role = (slug: string) => builtinRoles.find((r) => r.slug === slug)!.permissions;

describe("scopeCovers", () => {
  it.each([
    [org, org, true],
    [org, p1, true],
    [org, e1, true],
    [p1, org, false],
    [p1, p1, true],
    [p1, p2, false],
    [p1, e1, true],
    [e1, p1, false],
    [e1, e1, true],
    [e1, e2, false],
  ] as const)("%j covers %j = %s", (grant, target, expected) => {
    expect(scopeCovers(grant, target)).toBe(expected);
  });
});

describe("isAllowed", () => {
  it("owner wildcard allows everything everywhere", () => {
    const grants: Grant[] = [{ permissions: role("owner"), scope: org }];
    for (const p of listConcretePermissions()) expect(isAllowed(grants, p, e1)).toBe(true);
  });
  it("viewer reads but never writes", () => {
    const grants: Grant[] = [{ permissions: role("viewer"), scope: org }];
    expect(isAllowed(grants, "project:read", p1)).toBe(true);
    expect(isAllowed(grants, "project:update", p1)).toBe(false);
    expect(isAllowed(grants, "audit:read", org)).toBe(false);
  });
  it("admin cannot delete the organization", () => {
    const grants: Grant[] = [{ permissions: role("admin"), scope: org }];
    expect(isAllowed(grants, "organization:delete", org)).toBe(false);
    expect(isAllowed(grants, "role:create", org)).toBe(true);
    expect(isAllowed(grants, "role:escalate", org)).toBe(false);
    expect(isAllowed(grants, "role:bind", org)).toBe(false);
  });
  it("a project grant is inherited by its environments only", () => {
    const grants: Grant[] = [{ permissions: ["environment:update"], scope: p1 }];
    expect(isAllowed(grants, "environment:update", e1)).toBe(true);
    expect(isAllowed(grants, "environment:update", { kind: "environment", projectId: "p2", environmentId: "x" })).toBe(false);
    expect(isAllowed(grants, "environment:update", org)).toBe(false);
  });
});

describe("findMissingPermissions (escalation rule)", () => {
  it("developer cannot grant admin", () => {
    const grants: Grant[] = [{ permissions: role("developer"), scope: org }];
    const missing = findMissingPermissions(grants, role("admin"), org);
    expect(missing).toContain("member:delete");
    expect(missing).not.toContain("project:read");
  });
  it("owner can grant anything", () => {
    const grants: Grant[] = [{ permissions: role("owner"), scope: org }];
    expect(findMissingPermissions(grants, ["*:*"], org)).toEqual([]);
  });
  it("project-scoped holder may grant at that project but not at org", () => {
    const grants: Grant[] = [{ permissions: ["project:update"], scope: p1 }];
    expect(findMissingPermissions(grants, ["project:update"], p1)).toEqual([]);
    expect(findMissingPermissions(grants, ["project:update"], org)).toEqual(["project:update"]);
  });
});

// Property: the evaluator agrees with a brute-force oracle that enumerates every (grant, concrete permission).
describe("isAllowed vs oracle", () => {
  const scopes: Scope[] = [org, p1, p2, e1, e2];
  const perms = listConcretePermissions();
  const grantArb = fc.record({
    permissions: fc.array(fc.oneof(fc.constantFrom(...perms), fc.constantFrom("*:*", "project:*", "*:read")), { maxLength: 4 }),
    scope: fc.constantFrom(...scopes),
  });
  const inside = (g: Scope, t: Scope): boolean => {
    if (g.kind === "organization") return true;
    if (g.kind === "project") return t.kind !== "organization" && t.projectId === g.projectId;
    return t.kind === "environment" && t.environmentId === g.environmentId;
  };
  it("matches", () => {
    fc.assert(
      fc.property(fc.array(grantArb, { maxLength: 4 }), fc.constantFrom(...perms), fc.constantFrom(...scopes), (grants, p, target) => {
        const oracle = grants.some((g) => inside(g.scope, target) && expandPermissions(g.permissions).includes(p as Permission));
        expect(isAllowed(grants, p, target)).toBe(oracle);
      }),
      { numRuns: 2000 },
    );
  });
});
