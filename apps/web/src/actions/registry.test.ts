import { describe, expect, it } from "vitest";
import { accessFrom, permissionsOfRoles } from "../access/org-access";
import { globalActions, invitationActions, reorderEnvironments, sessionActions } from "./catalog";
import { type ActionContext, actionState, type GlobalAction } from "./registry";

function ctxFor(roles: string[], orgId: string | null = "acme"): ActionContext {
  const access = accessFrom(permissionsOfRoles(roles, []), roles);
  const unused = () => {
    throw new Error("not used in these tests");
  };
  return {
    me: undefined,
    orgId,
    can: access.can,
    navigate: unused,
    open: unused,
    confirm: unused,
    run: unused,
    notify: unused,
    togglePalette: unused,
    toggleHelp: unused,
    cycleTheme: unused,
    logout: unused,
  };
}

describe("actionState", () => {
  it("disables commands the caller's roles do not grant, saying which permission is missing", () => {
    expect(actionState(globalActions.createProject, ctxFor(["developer"]), undefined)).toEqual({ enabled: true });
    expect(actionState(globalActions.createProject, ctxFor(["viewer"]), undefined)).toEqual({ enabled: false, reason: "Your role does not grant project:create" });
    expect(actionState(globalActions.verifyAudit, ctxFor(["admin"]), undefined).enabled).toBe(true);
  });

  it("needs an organization for organization commands", () => {
    expect(actionState(globalActions.goProjects, ctxFor(["owner"], null), undefined)).toEqual({ enabled: false, reason: "Choose an organization first" });
    expect(actionState(globalActions.createOrg, ctxFor([], null), undefined).enabled).toBe(true);
  });

  it("uses the action's own rule with the target", () => {
    const base = { id: "5b0c9c7e-0000-4000-8000-000000000001", email: "a@b.c", roleId: "5b0c9c7e-0000-4000-8000-000000000002", roleName: "Viewer", teamIds: [], invitedBy: "admin", expiresAt: "2030-01-01T00:00:00Z", createdAt: "2026-01-01T00:00:00Z", acceptedBy: null };
    const ctx = ctxFor(["admin"]);
    expect(actionState(invitationActions.revoke, ctx, { ...base, status: "pending" }).enabled).toBe(true);
    expect(actionState(invitationActions.revoke, ctx, { ...base, status: "accepted" })).toEqual({ enabled: false, reason: "Only pending invitations can be revoked (this one is accepted)" });
    const session = { id: "x", createdAt: "", lastSeenAt: "", expiresAt: "", ip: null, userAgent: null };
    expect(actionState(sessionActions.revoke, ctx, { ...session, current: true }).enabled).toBe(false);
    expect(actionState(sessionActions.revoke, ctx, { ...session, current: false }).enabled).toBe(true);
  });

  it("gives every command a unique id and every shortcut to one command", () => {
    const all: GlobalAction[] = Object.values(globalActions);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    const keys = all.map((a) => a.shortcut).filter(Boolean);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("reorderEnvironments", () => {
  const env = (slug: string, position: number) => ({ id: slug, projectId: "p", slug, name: slug, position, protected: false, createdAt: "" });
  it("swaps with the neighbour and stops at the ends", () => {
    const list = [env("dev", 0), env("staging", 1), env("prod", 2)];
    expect(reorderEnvironments(list, list[2]!, -1)?.map((e) => e.slug)).toEqual(["dev", "prod", "staging"]);
    expect(reorderEnvironments(list, list[0]!, -1)).toBeNull();
    expect(reorderEnvironments(list, list[2]!, 1)).toBeNull();
  });
});
