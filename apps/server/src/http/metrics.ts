import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<"method" | "route" | "status">;
  duration: Histogram<"method" | "route">;
  auditEvents: Counter;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "meridian_" });
  return {
    registry,
    requests: new Counter({ name: "meridian_http_requests_total", help: "HTTP requests", labelNames: ["method", "route", "status"], registers: [registry] }),
    duration: new Histogram({
      name: "meridian_http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["method", "route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    auditEvents: new Counter({ name: "meridian_audit_events_total", help: "Audit events written", registers: [registry] }),
  };
}
