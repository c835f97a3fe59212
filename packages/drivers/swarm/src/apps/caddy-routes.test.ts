import type { AppTarget } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { getInsertIndex, getPathMatcher, isSameRoute, parseOwnedRoute, parseTraffic, renderRoute } from "./caddy-routes.js";

const target: AppTarget = { app: "web", project: "shop", environment: "prod", namespace: "shop-prod" };

describe("app routes as Caddy routes", () => {
  it("stores owner, port and weights on the route and reads them back", () => {
    const route = renderRoute(target, { host: "shop.example.com", path: "/api", port: "http" }, { blue: 90, green: 10 }, ["10.0.0.1:30001", "10.0.0.1:30002"]);
    expect(route.match).toEqual([{ host: ["shop.example.com"], path: ["/api", "/api/*"] }]);
    expect(parseOwnedRoute(JSON.parse(JSON.stringify(route)))).toEqual({
      id: route["@id"],
      namespace: "shop-prod",
      app: "web",
      project: "shop",
      environment: "prod",
      host: "shop.example.com",
      path: "/api",
      port: "http",
      traffic: { blue: 90, green: 10 },
      upstreams: ["10.0.0.1:30001", "10.0.0.1:30002"],
    });
  });

  it("answers 503 instead of proxying to nothing", () => {
    const route = renderRoute(target, { host: "a.test", path: "/", port: 8080 }, { blue: 100 }, []);
    expect(route.handle?.[1]).toMatchObject({ handler: "static_response", status_code: 503 });
    expect(parseOwnedRoute(route)?.port).toBe(8080);
  });

  it("gives each host+path its own stable id, and compares regardless of key order", () => {
    const a = renderRoute(target, { host: "a.test", path: "/", port: "http" }, { blue: 100 }, ["h:1"]);
    const b = renderRoute(target, { host: "b.test", path: "/", port: "http" }, { blue: 100 }, ["h:1"]);
    expect(a["@id"]).not.toBe(b["@id"]);
    expect(renderRoute(target, { host: "a.test", path: "/", port: "http" }, { blue: 100 }, ["h:1"])["@id"]).toBe(a["@id"]);
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    expect(isSameRoute(a, reordered)).toBe(true);
    expect(isSameRoute(a, renderRoute(target, { host: "a.test", path: "/", port: "http" }, { blue: 100 }, ["h:2"]))).toBe(false);
  });

  it("ignores routes it did not write", () => {
    expect(parseOwnedRoute({ "@id": "other", handle: [{ handler: "file_server" }] })).toBeUndefined();
    expect(parseOwnedRoute({ handle: [{ handler: "vars", "meridian.app": "web" }] })).toBeUndefined();
  });

  it.each([
    ["/", undefined],
    ["/api", ["/api", "/api/*"]],
    ["/api/", ["/api", "/api/*"]],
  ])("matches path %s as %j", (path, expected) => {
    expect(getPathMatcher(path)).toEqual(expected);
  });

  it("orders more specific routes first", () => {
    const root = renderRoute(target, { host: "a.test", path: "/", port: "http" }, {}, []);
    const wildcard = renderRoute(target, { host: "*.a.test", path: "/", port: "http" }, {}, []);
    const api = renderRoute(target, { host: "a.test", path: "/api", port: "http" }, {}, []);
    expect(getInsertIndex([root, wildcard], api)).toBe(0);
    expect(getInsertIndex([root, wildcard], renderRoute(target, { host: "b.test", path: "/", port: "http" }, {}, []))).toBe(1);
    expect(getInsertIndex([api, root], wildcard)).toBe(2);
  });

  it("parses only known slots and numbers from stored weights", () => {
    expect(parseTraffic("blue=0,green=100,red=5,blue2=x")).toEqual({ blue: 0, green: 100 });
    expect(parseTraffic("")).toEqual({});
  });
});
