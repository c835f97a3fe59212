import { AppSpec } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { addRoute, addSecretRef, removeRoute, removeSecretRef, resolveSecret, routesFor, type Secret } from "./spec-edit";

const spec = AppSpec.parse({ source: { image: "nginx:1" }, ports: [{ name: "http", port: 8080 }], routes: [{ host: "shop.example.com" }], secrets: [{ env: "TOKEN", secret: "api-token" }] });

describe("routes", () => {
  it("adds to the app's routes, or starts an environment's own list from the routes it had", () => {
    const all = addRoute(spec, { host: "www.example.com", path: "/" }, "all");
    expect(all.routes.map((r) => r.host)).toEqual(["shop.example.com", "www.example.com"]);
    const prod = addRoute(spec, { host: "prod.example.com", path: "/" }, "prod");
    expect(routesFor(prod, "prod")).toEqual({ routes: [{ host: "shop.example.com", path: "/" }, { host: "prod.example.com", path: "/" }], overridden: true });
    expect(routesFor(prod, "dev")).toEqual({ routes: spec.routes, overridden: false });
    expect(AppSpec.safeParse(prod).success).toBe(true);
  });
  it("removes from the list the environment uses", () => {
    expect(removeRoute(spec, 0, "all").routes).toEqual([]);
    const prod = removeRoute(addRoute(spec, { host: "prod.example.com", path: "/" }, "prod"), 0, "prod");
    expect(routesFor(prod, "prod").routes.map((r) => r.host)).toEqual(["prod.example.com"]);
    expect(prod.routes).toEqual(spec.routes);
  });
});

describe("secret references", () => {
  it("adds (replacing the same variable) and removes", () => {
    expect(addSecretRef(spec, { env: "TOKEN", secret: "other" }).secrets).toEqual([{ env: "TOKEN", secret: "other" }]);
    expect(removeSecretRef(spec, "TOKEN").secrets).toEqual([]);
  });
  const s = (name: string, scope: Secret["scope"], environmentId: string | null = null, version = 1): Secret => ({
    name,
    scope,
    projectId: scope === "organization" ? null : "p",
    environmentId,
    version,
    versions: version,
    createdAt: "2025-01-01T00:00:00Z",
    createdBy: "admin",
  });
  it("resolves as the server does: environment, then project, then organization", () => {
    const project = [s("a", "project", null, 2), s("a", "environment", "prod", 5), s("b", "environment", "prod")];
    const org = [s("a", "organization", null, 9), s("c", "organization")];
    expect(resolveSecret("a", "prod", project, org)?.version).toBe(5);
    expect(resolveSecret("a", "dev", project, org)?.version).toBe(2);
    expect(resolveSecret("b", "dev", project, org)).toBeUndefined();
    expect(resolveSecret("c", "dev", project, org)?.scope).toBe("organization");
  });
});
