import type { AppDocument } from "./app-spec.js";

/**
 * One-click apps. Each expands into an ordinary app document (the same YAML `meridian export` writes), so what a
 * template makes can be edited, exported and re-applied like any other app. Images are parameters: Meridian
 * cannot assume a registry, and the wizard asks for one with the usual public name as the default.
 */
export interface AppTemplateDef {
  id: string;
  name: string;
  description: string;
  defaultImage: string;
  expand(input: { name: string; project: string; image?: string }): AppDocument;
}

const doc = (name: string, project: string, description: string, spec: Record<string, unknown>) =>
  ({ apiVersion: "meridian.dev/v1", kind: "App", metadata: { name, project, description }, spec }) as unknown as AppDocument;

export const appTemplates: readonly AppTemplateDef[] = [
  {
    id: "static-site",
    name: "Static site",
    description: "An HTTP server for static files (nginx-compatible image on port 8080), two replicas, rolling updates.",
    defaultImage: "docker.io/nginxinc/nginx-unprivileged:stable-alpine",
    expand: ({ name, project, image }) =>
      doc(name, project, "Static site", {
        source: { image: image ?? "docker.io/nginxinc/nginx-unprivileged:stable-alpine" },
        ports: [{ name: "http", port: 8080, protocol: "http" }],
        replicas: 2,
        resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
        health: { readiness: { http: { path: "/", port: "http" } } },
        strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0 },
      }),
  },
  {
    id: "node-service",
    name: "Node.js service",
    description: "A Node.js HTTP service on port 3000 with health checks, autoscaling 2–6 replicas at 70% CPU and canary deploys.",
    defaultImage: "docker.io/library/node:22-alpine",
    expand: ({ name, project, image }) =>
      doc(name, project, "Node.js service", {
        source: { image: image ?? "docker.io/library/node:22-alpine" },
        ports: [{ name: "http", port: 3000, protocol: "http" }],
        env: { NODE_ENV: "production", PORT: "3000" },
        replicas: 2,
        autoscaling: { min: 2, max: 6, cpuTarget: 70 },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        health: { readiness: { http: { path: "/healthz", port: "http" } }, liveness: { http: { path: "/healthz", port: "http" }, failureThreshold: 5 } },
        strategy: { type: "canary", steps: [{ weight: 10, pause: "1m" }, { weight: 50, pause: "1m" }] },
      }),
  },
  {
    id: "postgresql",
    name: "PostgreSQL",
    description: "A single PostgreSQL 16 server with a 10 GiB volume; the password comes from the secret `postgres-password`.",
    defaultImage: "docker.io/library/postgres:16",
    expand: ({ name, project, image }) =>
      doc(name, project, "PostgreSQL database", {
        source: { image: image ?? "docker.io/library/postgres:16" },
        ports: [{ name: "postgres", port: 5432, protocol: "tcp" }],
        env: { PGDATA: "/var/lib/postgresql/data/pgdata" },
        secrets: [{ env: "POSTGRES_PASSWORD", secret: "postgres-password" }],
        replicas: 1,
        resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
        health: { readiness: { tcp: { port: "postgres" } } },
        volumes: [{ name: "data", mountPath: "/var/lib/postgresql/data", size: "10Gi" }],
        // One writer: never run two servers on the same volume.
        strategy: { type: "rolling", maxSurge: 0, maxUnavailable: 1 },
      }),
  },
  {
    id: "redis",
    name: "Redis",
    description: "A Redis 7 server with append-only persistence on a 2 GiB volume.",
    defaultImage: "docker.io/library/redis:7-alpine",
    expand: ({ name, project, image }) =>
      doc(name, project, "Redis", {
        source: { image: image ?? "docker.io/library/redis:7-alpine" },
        args: ["redis-server", "--appendonly", "yes"],
        ports: [{ name: "redis", port: 6379, protocol: "tcp" }],
        replicas: 1,
        resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "512Mi" } },
        health: { readiness: { tcp: { port: "redis" } } },
        volumes: [{ name: "data", mountPath: "/data", size: "2Gi" }],
        strategy: { type: "rolling", maxSurge: 0, maxUnavailable: 1 },
      }),
  },
];

export function findAppTemplate(id: string): AppTemplateDef | undefined {
  return appTemplates.find((t) => t.id === id);
}
