import type { AppTarget, SlotSpec } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { mergeServiceSpec } from "../service-spec.js";
import { listDockerSecrets } from "./names.js";
import { renderHealthcheck, renderService, renderUpdateConfig } from "./render-service.js";

const target: AppTarget = { app: "web", project: "shop", environment: "prod", namespace: "shop-prod" };
const slot = (extra: Partial<SlotSpec> = {}): SlotSpec => ({
  slot: "blue",
  releaseId: "rel-7",
  releaseNumber: 7,
  image: "registry.example.com/web:1.2@sha256:0884ae780ac43f9e5b28a4a7b033c5bb308fe92b477bf35637c19c7ba75ed981",
  ports: [
    { name: "http", port: 8080, protocol: "http" },
    { name: "metrics", port: 9090, protocol: "tcp" },
  ],
  env: { GREETING: "hi" },
  secretEnv: [{ env: "TOKEN", secret: "web-token-v3", key: "value" }],
  resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
  replicas: 3,
  readiness: { http: { path: "/healthz", port: "http" }, initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 2 },
  volumes: [],
  rolling: { maxSurge: 1, maxUnavailable: 0 },
  ...extra,
});
const secrets = listDockerSecrets([{ name: "web-token-v3", data: { value: "s3cret" } }]);
const input = (s: SlotSpec = slot()) => ({ target, slot: s, secrets, network: "meridian-shop", constraints: ["node.role==manager"], autoscaling: null });

describe("a slot as a Swarm service", () => {
  it("renders the service Meridian applies", () => {
    const spec = renderService(input());
    expect(spec).toMatchObject({
      name: "shop-prod_web-blue",
      namespace: "shop-prod",
      replicas: 3,
      env: { GREETING: "hi", TOKEN: "s3cret" },
      labels: { "meridian.dev/app": "web", "meridian.dev/slot": "blue", "meridian.dev/release": "rel-7", "com.docker.stack.namespace": "shop-prod" },
      resources: { limits: { cpu: "200m", memory: "64Mi" }, reservations: { cpu: "50m", memory: "32Mi" } },
      // Only the http port, published on a host port Docker picks per task.
      ports: [{ name: "http", target: 8080, protocol: "tcp" }],
      networks: ["meridian-shop"],
      constraints: ["node.role==manager"],
      secrets: [{ source: "web-token-v3" }],
      restartPolicy: { condition: "any" },
    });
  });

  it("leaves out empty env, command and args (the engine drops them; a re-apply must compare equal)", () => {
    const spec = renderService({ ...input(slot({ env: {}, secretEnv: [], command: [], args: [] })), secrets: [] });
    expect(spec).not.toHaveProperty("env");
    expect(spec).not.toHaveProperty("command");
    expect(spec).not.toHaveProperty("args");
  });

  it("turns probes into exec-form health checks", () => {
    expect(renderHealthcheck(slot())).toEqual({ test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"], interval: 2, timeout: 2, retries: 2, startPeriod: 0 });
    expect(renderHealthcheck(slot({ readiness: { tcp: { port: 9090 }, initialDelaySeconds: 5, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 3 } }))?.test).toEqual(["CMD", "nc", "-z", "127.0.0.1", "9090"]);
    expect(renderHealthcheck(slot({ readiness: { command: ["/bin/check", "--quick"], initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 } }))?.test).toEqual(["CMD", "/bin/check", "--quick"]);
    // Without readiness the liveness probe is the health check; without either, none.
    const { readiness: _r, ...noReadiness } = slot();
    expect(renderHealthcheck({ ...noReadiness, liveness: { http: { path: "/live", port: 8080 }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 } })?.test.at(-1)).toBe("http://127.0.0.1:8080/live");
    expect(renderHealthcheck(noReadiness)).toBeUndefined();
  });

  it.each([
    [{ maxSurge: 1, maxUnavailable: 0 }, { parallelism: 1, order: "start-first" }],
    [{ maxSurge: 3, maxUnavailable: 0 }, { parallelism: 3, order: "start-first" }],
    [{ maxSurge: 0, maxUnavailable: 2 }, { parallelism: 2, order: "stop-first" }],
    [{ maxSurge: 0, maxUnavailable: 0 }, { parallelism: 1, order: "start-first" }],
  ])("rolls %j as %j, rolling back on failure", (rolling, expected) => {
    expect(renderUpdateConfig(slot({ rolling }))).toMatchObject({ ...expected, failureAction: "rollback" });
  });

  it("labels the autoscaled slot and takes replicas from the desired state (the server's autoscaler decides them)", () => {
    const autoscaling = { slot: "blue" as const, min: 2, max: 5, cpuTarget: 60 };
    expect(renderService({ ...input(), autoscaling })).toMatchObject({ replicas: 3, labels: { "meridian.dev/autoscaling": "min=2,max=5,cpu=60" } });
    expect(renderService({ ...input(), autoscaling: { ...autoscaling, slot: "green" } }).labels?.["meridian.dev/autoscaling"]).toBeUndefined();
  });

  it("refuses a secret variable whose secret is not desired, and a route port that does not exist", () => {
    expect(() => renderService({ ...input(), secrets: [] })).toThrow(/web-token-v3/);
    expect(() => renderService(input(slot({ readiness: { http: { path: "/", port: "nope" }, initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 2 } })))).toThrow(/port nope/);
  });

  it("writes Docker fields the engine stores as given (so a re-apply compares equal)", () => {
    const docker = mergeServiceSpec(undefined, renderService(input()), { image: slot().image, networkIds: ["net1"], secretIds: { "web-token-v3": "sec1" } });
    expect(docker.TaskTemplate?.ContainerSpec?.Healthcheck).toEqual({ Test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"], Interval: 2e9, Timeout: 2e9, Retries: 2 });
    expect(docker.TaskTemplate?.ContainerSpec?.Secrets).toEqual([{ File: { Name: "web-token-v3", UID: "0", GID: "0", Mode: 0o444 }, SecretID: "sec1", SecretName: "web-token-v3" }]);
    expect(docker.EndpointSpec?.Ports).toEqual([{ Name: "http", Protocol: "tcp", TargetPort: 8080, PublishMode: "host" }]);
    expect(docker.UpdateConfig).toMatchObject({ Order: "start-first", FailureAction: "rollback", Monitor: 5e9 });
    expect(docker.RollbackConfig).toMatchObject({ FailureAction: "pause" });
  });

  it("names Docker secrets exactly, or per key for several keys", () => {
    expect(listDockerSecrets([{ name: "db-v2", data: { user: "u", password: "p" } }, { name: "token-v1", data: { value: "t" } }]).map((s) => s.name)).toEqual(["db-v2.user", "db-v2.password", "token-v1"]);
  });
});
