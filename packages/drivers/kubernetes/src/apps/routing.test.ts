import type { Slot } from "@meridian/core";
import { describe, expect, it } from "vitest";
import type { Obj } from "./names.js";
import { type RoutingInput, type RoutingOptions, activeSlot, readTraffic, renderRouting, routingInputFromLive } from "./routing.js";

const target = { app: "web", project: "shop", environment: "prod", namespace: "shop-prod" };
const input = (traffic: Partial<Record<Slot, number>>, extra: Partial<RoutingInput> = {}): RoutingInput => ({
  target,
  routes: [
    { host: "web.example.com", path: "/", port: "http" },
    { host: "web.example.com", path: "/api", port: 8080 },
    { host: "www.example.com", path: "/", port: "http" },
  ],
  traffic,
  slots: (["blue", "green"] as const).filter((s) => traffic[s] !== undefined),
  ports: [{ name: "http", port: 8080 }],
  tls: [{ host: "web.example.com", secretName: "web-tls-web-example-com" }],
  ...extra,
});
const gateway: RoutingOptions = { routing: "gateway", gateway: { name: "edge", namespace: "gateways" } };
const ingress: RoutingOptions = { routing: "ingress", gateway: gateway.gateway, ingressClassName: "nginx" };
const byName = (objs: Obj[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name) ?? null;
const observe = (objs: Obj[], existing: Slot[]) =>
  readTraffic("web", { httpRoute: byName(objs, "HTTPRoute", "web"), ingress: byName(objs, "Ingress", "web"), canary: byName(objs, "Ingress", "web-canary") }, existing);

describe("activeSlot", () => {
  it.each([
    [{ blue: 90, green: 10 }, ["blue", "green"], "blue"],
    [{ blue: 10, green: 90 }, ["blue", "green"], "green"],
    [{ blue: 50, green: 50 }, ["blue", "green"], "blue"],
    [{ blue: 50, green: 50 }, ["green", "blue"], "green"],
    [{ green: 100 }, ["green"], "green"],
    [{}, ["blue"], "blue"],
    [{}, [], null],
  ] as [Partial<Record<Slot, number>>, Slot[], Slot | null][])("%j over %j is %s", (traffic, slots, want) => {
    expect(activeSlot(traffic, slots)).toBe(want);
  });
});

describe("renderRouting", () => {
  it("renders one HTTPRoute with weighted backendRefs per rule, attached to the configured Gateway", () => {
    const objs = renderRouting(input({ blue: 90, green: 10 }), gateway);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Service/web", "HTTPRoute/web"]);
    const route = byName(objs, "HTTPRoute", "web") as Obj;
    expect(route.metadata.annotations).toEqual({ "meridian.dev/tls-secrets": "web.example.com=web-tls-web-example-com" });
    expect(route.spec).toEqual({
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "gateways" }],
      hostnames: ["web.example.com", "www.example.com"],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [
            { name: "web-blue", port: 8080, weight: 90 },
            { name: "web-green", port: 8080, weight: 10 },
          ],
        },
        {
          matches: [{ path: { type: "PathPrefix", value: "/api" } }],
          backendRefs: [
            { name: "web-blue", port: 8080, weight: 90 },
            { name: "web-green", port: 8080, weight: 10 },
          ],
        },
      ],
    });
  });

  it("renders the main Ingress to the active slot and a canary Ingress with the other slot's weight", () => {
    const objs = renderRouting(input({ blue: 75, green: 25 }), ingress);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Service/web", "Ingress/web", "Ingress/web-canary"]);
    const main = byName(objs, "Ingress", "web") as Obj;
    expect(main.spec.ingressClassName).toBe("nginx");
    expect(main.spec.tls).toEqual([{ hosts: ["web.example.com"], secretName: "web-tls-web-example-com" }]);
    expect(main.spec.rules).toEqual([
      {
        host: "web.example.com",
        http: {
          paths: [
            { path: "/", pathType: "Prefix", backend: { service: { name: "web-blue", port: { name: "http" } } } },
            { path: "/api", pathType: "Prefix", backend: { service: { name: "web-blue", port: { name: "http" } } } },
          ],
        },
      },
      { host: "www.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web-blue", port: { name: "http" } } } }] } },
    ]);
    const canary = byName(objs, "Ingress", "web-canary") as Obj;
    expect(canary.metadata.annotations).toEqual({ "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "25" });
    expect(canary.spec.tls).toBeUndefined();
    expect(canary.spec.rules[0].http.paths[0].backend.service.name).toBe("web-green");
  });

  it("renders no canary Ingress when the other slot gets nothing", () => {
    const objs = renderRouting(input({ blue: 0, green: 100 }), ingress);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Service/web", "Ingress/web"]);
    expect(byName(objs, "Ingress", "web")?.spec.rules[0].http.paths[0].backend.service.name).toBe("web-green");
  });

  it("renders only the app Service without routes, and nothing without ports", () => {
    expect(renderRouting(input({ blue: 100 }, { routes: [] }), gateway).map((o) => o.kind)).toEqual(["Service"]);
    expect(renderRouting(input({ blue: 100 }, { ports: [] }), gateway)).toEqual([]);
  });

  it("rejects a route to a port the app does not have", () => {
    expect(() => renderRouting(input({ blue: 100 }, { routes: [{ host: "a.example.com", path: "/", port: "grpc" }] }), gateway)).toThrow(/route port grpc/);
  });
});

describe("readTraffic", () => {
  // What is rendered is what is observed, on both paths.
  it.each([
    [{ blue: 100 }],
    [{ green: 100 }],
    [{ blue: 90, green: 10 }],
    [{ blue: 50, green: 50 }],
    [{ blue: 1, green: 99 }],
    [{ blue: 0, green: 100 }],
    [{ blue: 100, green: 0 }],
  ] as [Partial<Record<Slot, number>>][])("reads back %j", (traffic) => {
    const existing = (["blue", "green"] as const).filter((s) => traffic[s] !== undefined);
    expect(observe(renderRouting(input(traffic), gateway), existing)).toEqual(traffic);
    expect(observe(renderRouting(input(traffic), ingress), existing)).toEqual(traffic);
  });

  it("is null without routing objects", () => {
    expect(readTraffic("web", {}, ["blue"])).toBeNull();
  });

  it("turns weights edited by hand into percent, and canary-weight-total into a share", () => {
    const route = { spec: { rules: [{ backendRefs: [{ name: "web-blue", weight: 3 }, { name: "web-green", weight: 1 }, { name: "other" }] }] } };
    expect(readTraffic("web", { httpRoute: route }, [])).toEqual({ blue: 75, green: 25 });
    const main = { spec: { rules: [{ http: { paths: [{ backend: { service: { name: "web-green" } } }] } }] } };
    const canary = {
      metadata: { annotations: { "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "200", "nginx.ingress.kubernetes.io/canary-weight-total": "1000" } },
      spec: { rules: [{ http: { paths: [{ backend: { service: { name: "web-blue" } } }] } }] },
    };
    expect(readTraffic("web", { ingress: main, canary }, ["blue", "green"])).toEqual({ green: 80, blue: 20 });
  });
});

describe("routingInputFromLive", () => {
  it("rebuilds ports and TLS from live objects, so setTraffic renders what applyApp did", () => {
    const traffic = { blue: 40, green: 60 };
    for (const o of [gateway, ingress]) {
      const applied = renderRouting(input(traffic), o);
      const activeService = { spec: { ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }] } };
      const routing = applied.filter((x) => x.metadata.name === "web" && x.kind !== "Service");
      const rebuilt = routingInputFromLive(target, input(traffic).routes, traffic, { activeService, routing });
      expect(renderRouting(rebuilt, o)).toEqual(applied);
    }
  });
});
