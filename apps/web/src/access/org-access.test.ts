import { describe, expect, it } from "vitest";
import { accessFrom, permissionsOfRoles } from "./org-access";

const custom = { id: "6f1c1f5e-0000-4000-8000-000000000001", slug: "release-manager", name: "Release manager", permissions: ["environment:update", "audit:read"] };

describe("permissionsOfRoles", () => {
  it("resolves built-in roles by slug or name without a server list", () => {
    const perms = permissionsOfRoles(["viewer"], []);
    expect(perms).not.toBeNull();
    const access = accessFrom(perms, ["viewer"]);
    expect(access.can("project:read")).toBe(true);
    expect(access.can("project:create")).toBe(false);
    expect(access.can("audit:read")).toBe(false);
  });

  it("resolves custom roles by slug, name or id and unions them", () => {
    const access = accessFrom(permissionsOfRoles(["Release manager", "billing"], [custom]), []);
    expect(access.can("environment:update")).toBe(true);
    expect(access.can("audit:read")).toBe(true);
    expect(access.can("member:read")).toBe(true);
    expect(access.can("member:update")).toBe(false);
    expect(permissionsOfRoles([custom.id], [custom])).toEqual(custom.permissions);
  });

  it("expands wildcards: the owner can do anything", () => {
    const access = accessFrom(permissionsOfRoles(["owner"], []), ["owner"]);
    expect(access.can("organization:delete")).toBe(true);
    expect(access.known).toBe(true);
  });

  it("is unknown (allow, let the server decide) for unresolvable or absent org roles", () => {
    expect(permissionsOfRoles(["mystery"], [])).toBeNull();
    expect(permissionsOfRoles([], [])).toBeNull();
    const access = accessFrom(null, []);
    expect(access.known).toBe(false);
    expect(access.can("organization:delete")).toBe(true);
  });
});
