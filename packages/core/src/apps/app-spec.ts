import { z } from "zod";

/**
 * The one app model Meridian deploys onto Kubernetes and Swarm alike. It is what `meridian apply -f app.yaml`
 * reads and `meridian export` writes, what the create-app wizard and templates produce, and what a release
 * snapshots. Runtime specifics live in the drivers; nothing here names a Kubernetes or Docker field.
 */

const dns1123 = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const AppName = z.string().min(1).max(40).regex(dns1123, "lowercase letters, digits and '-', starting and ending with a letter or digit");
const EnvName = z.string().min(1).max(128).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name: letters, digits and '_', not starting with a digit");
const PortName = z.string().min(1).max(15).regex(dns1123, "a port name: lowercase letters, digits and '-'");
const Port = z.number().int().min(1).max(65535);

/** `registry/path:tag` or `registry/path@sha256:…` (the grammar of distribution/reference, without normalization). */
export const imageReferencePattern = /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const ImageReference = z
  .string()
  .min(1)
  .max(512)
  .regex(imageReferencePattern, "an image reference such as registry.example.com/team/app:1.2 or …@sha256:<64 hex>");

const Quantity = z.string().max(32).regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, "a quantity such as 250m, 0.5, 128Mi or 1Gi");
const Duration = z.string().max(16).regex(/^[0-9]+(ms|s|m|h)$/, "a duration such as 30s, 5m or 1h");

/** A branch, tag or commit; never something git could read as an option. */
export const GitRef = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/, "a branch, tag or commit (letters, digits, '.', '_', '/', '-'; not starting with '-')")
  .refine((r) => !r.includes("..") && !r.endsWith(".lock") && !r.endsWith("/"), "not a valid git ref");
export const GitSource = z
  .object({
    url: z.string().min(1).max(2048).describe("Repository URL (https://, ssh:// or a local path in tests)"),
    ref: GitRef.default("main").describe("Branch, tag or commit"),
    dockerfile: z.string().min(1).max(255).default("Dockerfile"),
    context: z.string().min(1).max(255).default("."),
  })
  .strict();
export const AppSource = z.union([z.object({ image: ImageReference }).strict(), z.object({ git: GitSource }).strict()]);

export const AppPort = z
  .object({ name: PortName, port: Port, protocol: z.enum(["http", "tcp"]).default("http") })
  .strict();

const Probe = z
  .object({
    http: z.object({ path: z.string().min(1).max(1024).regex(/^\//, "a path starting with /"), port: z.union([PortName, Port]) }).strict().optional(),
    tcp: z.object({ port: z.union([PortName, Port]) }).strict().optional(),
    command: z.array(z.string().max(4096)).min(1).max(32).optional(),
    initialDelaySeconds: z.number().int().min(0).max(3600).default(0),
    periodSeconds: z.number().int().min(1).max(3600).default(5),
    timeoutSeconds: z.number().int().min(1).max(600).default(2),
    failureThreshold: z.number().int().min(1).max(100).default(3),
  })
  .strict()
  .refine((p) => [p.http, p.tcp, p.command].filter((x) => x !== undefined).length === 1, "a probe is exactly one of http, tcp or command");
export type Probe = z.infer<typeof Probe>;

export const SecretRef = z
  .object({
    env: EnvName.describe("Environment variable the value is given as"),
    secret: z.string().min(1).max(63).regex(dns1123, "a secret name").describe("Secret name; the environment's, else the project's, else the organization's"),
  })
  .strict();

export const Resources = z
  .object({
    requests: z.object({ cpu: Quantity.optional(), memory: Quantity.optional() }).strict().optional(),
    limits: z.object({ cpu: Quantity.optional(), memory: Quantity.optional() }).strict().optional(),
  })
  .strict();

export const Autoscaling = z
  .object({
    min: z.number().int().min(1).max(1000),
    max: z.number().int().min(1).max(1000),
    cpuTarget: z.number().int().min(1).max(100).describe("Average CPU utilization (percent of the request/limit) to hold"),
    cooldownSeconds: z.number().int().min(0).max(3600).default(60).describe("Swarm: least time between two scaling decisions"),
  })
  .strict()
  .refine((a) => a.min <= a.max, "min must not exceed max");

export const Volume = z
  .object({ name: PortName, mountPath: z.string().min(1).max(1024).regex(/^\//, "an absolute path"), size: Quantity.default("1Gi") })
  .strict();

export const AppRoute = z
  .object({
    host: z.string().min(1).max(253).regex(/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "a DNS name such as app.example.com"),
    path: z.string().min(1).max(1024).regex(/^\//, "a path starting with /").default("/"),
    port: z.union([PortName, Port]).optional().describe("Port name or number; the first http port when left out"),
  })
  .strict();
export type AppRoute = z.infer<typeof AppRoute>;

export const CanaryStep = z
  .object({
    weight: z.number().int().min(1).max(100).describe("Percent of traffic sent to the new version"),
    pause: z.union([Duration, z.literal("manual")]).optional().describe("Wait before the next step; 'manual' waits for promote"),
  })
  .strict();

export const Analysis = z
  .object({
    interval: Duration.default("10s"),
    /** How many failed checks in a row fail the gate. */
    failureLimit: z.number().int().min(1).max(100).default(2),
    maxErrorRate: z.number().min(0).max(1).optional().describe("Router 5xx share of the new version's requests"),
    maxLatencyMs: z.number().int().min(1).max(600_000).optional().describe("Router p95 latency of the new version"),
    prometheus: z
      .array(z.object({ name: z.string().min(1).max(63), query: z.string().min(1).max(4096), max: z.number().optional(), min: z.number().optional() }).strict())
      .max(10)
      .default([]),
  })
  .strict();

export const Strategy = z.discriminatedUnion("type", [
  z.object({ type: z.literal("rolling"), maxSurge: z.number().int().min(0).max(100).default(1), maxUnavailable: z.number().int().min(0).max(100).default(0) }).strict(),
  z
    .object({
      type: z.literal("bluegreen"),
      autoSwitch: z.boolean().default(true).describe("Switch traffic as soon as the new version is healthy (else wait for promote)"),
      verifySeconds: z.number().int().min(0).max(3600).default(10).describe("How long the new version must stay healthy before the switch"),
    })
    .strict(),
  z
    .object({
      type: z.literal("canary"),
      steps: z.array(CanaryStep).min(1).max(20).default([{ weight: 10, pause: "30s" }, { weight: 50, pause: "30s" }]),
    })
    .strict()
    .refine((s) => s.steps.every((st, i) => i === 0 || st.weight > (s.steps[i - 1] as { weight: number }).weight), "canary weights must increase from step to step"),
]);
export type Strategy = z.infer<typeof Strategy>;

/** What an environment may change of the base spec. */
export const EnvironmentOverride = z
  .object({
    replicas: z.number().int().min(0).max(1000).optional(),
    env: z.record(EnvName, z.string().max(64 * 1024)).optional(),
    autoscaling: Autoscaling.nullable().optional(),
    routes: z.array(AppRoute).max(50).optional(),
    resources: Resources.optional(),
    strategy: Strategy.optional(),
  })
  .strict();

export const AppSpec = z
  .object({
    source: AppSource,
    command: z.array(z.string().max(4096)).max(64).optional(),
    args: z.array(z.string().max(4096)).max(256).optional(),
    ports: z.array(AppPort).max(20).default([]),
    env: z.record(EnvName, z.string().max(64 * 1024)).default({}),
    secrets: z.array(SecretRef).max(100).default([]),
    resources: Resources.default({}),
    replicas: z.number().int().min(0).max(1000).default(1),
    autoscaling: Autoscaling.optional(),
    health: z.object({ readiness: Probe.optional(), liveness: Probe.optional() }).strict().default({}),
    volumes: z.array(Volume).max(20).default([]),
    routes: z.array(AppRoute).max(50).default([]),
    placement: z
      .object({
        constraints: z
          .array(z.string().min(3).max(256).regex(/^node\.(role|hostname|id|platform\.os|platform\.arch|labels\.[A-Za-z0-9._/-]+)\s*(==|!=)\s*\S+$/, "a constraint such as node.role==manager or node.labels.zone==a"))
          .max(20)
          .default([]),
      })
      .strict()
      .default({ constraints: [] })
      .describe("Where replicas may run: Swarm placement constraints; on Kubernetes node.labels.K==V become a nodeSelector"),
    strategy: Strategy.default({ type: "rolling", maxSurge: 1, maxUnavailable: 0 }),
    analysis: Analysis.optional(),
    environments: z.record(z.string().min(1).max(63), EnvironmentOverride).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    for (const [i, p] of s.ports.entries()) {
      if (names.has(p.name)) ctx.addIssue({ code: "custom", path: ["ports", i, "name"], message: `port name '${p.name}' is used twice` });
      names.add(p.name);
    }
    const portOk = (p: string | number | undefined) => p === undefined || (typeof p === "number" ? s.ports.some((x) => x.port === p) : names.has(p));
    for (const [i, r] of s.routes.entries()) {
      if (!portOk(r.port)) ctx.addIssue({ code: "custom", path: ["routes", i, "port"], message: `route port ${String(r.port)} is not one of the app's ports` });
    }
    if (s.routes.length > 0 && !s.ports.some((p) => p.protocol === "http")) ctx.addIssue({ code: "custom", path: ["routes"], message: "routes need an http port" });
    for (const probe of ["readiness", "liveness"] as const) {
      const p = s.health[probe];
      const port = p?.http?.port ?? p?.tcp?.port;
      if (typeof port === "string" && !names.has(port)) ctx.addIssue({ code: "custom", path: ["health", probe], message: `probe port '${port}' is not one of the app's ports` });
    }
    const envs = new Set(s.env ? Object.keys(s.env) : []);
    for (const [i, ref] of s.secrets.entries()) {
      if (envs.has(ref.env)) ctx.addIssue({ code: "custom", path: ["secrets", i, "env"], message: `${ref.env} is both a plain variable and a secret` });
    }
  });
export type AppSpec = z.infer<typeof AppSpec>;
export type AppSpecInput = z.input<typeof AppSpec>;

/** The YAML document form (apply/export). */
export const AppDocument = z
  .object({
    apiVersion: z.literal("meridian.dev/v1"),
    kind: z.literal("App"),
    metadata: z.object({ name: AppName, project: z.string().min(1).max(63), description: z.string().max(1000).optional() }).strict(),
    spec: AppSpec,
  })
  .strict();
export type AppDocument = z.infer<typeof AppDocument>;

/** The spec one environment runs: the base with that environment's overrides laid over it. */
export function resolveEnvironmentSpec(spec: AppSpec, environment: string): AppSpec {
  const o = spec.environments[environment];
  if (!o) return spec;
  return {
    ...spec,
    replicas: o.replicas ?? spec.replicas,
    env: { ...spec.env, ...o.env },
    autoscaling: o.autoscaling === null ? undefined : (o.autoscaling ?? spec.autoscaling),
    routes: o.routes ?? spec.routes,
    resources: o.resources ?? spec.resources,
    strategy: o.strategy ?? spec.strategy,
  };
}

/** Seconds of a Duration string. */
export function parseDuration(d: string): number {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "s" ? n : m[2] === "m" ? n * 60 : n * 3600;
}

/** JSON with object keys sorted (jsonb reorders keys): equal specs compare equal however they were stored. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
