import { AppError } from "@meridian/core";
import { createTwoFilesPatch } from "diff";
import { parseAllDocuments, stringify } from "yaml";
import { z } from "zod";
import { type ServiceSpec, stackLabel } from "./docker-types.js";

/**
 * Meridian's Swarm service spec: the few fields a deploy needs, in Meridian's words. apply() turns it into
 * the fields of a Docker ServiceSpec it manages and leaves every other field of an existing service alone.
 */
const Quantity = z.union([z.number().nonnegative(), z.string().trim().min(1)]);
const Duration = z.union([z.number().nonnegative(), z.string().regex(/^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, "a duration such as 10s, 1m30s or 500ms")]);
const ResourceAmounts = z.object({ cpu: Quantity.optional(), memory: Quantity.optional() }).strict();
const UpdateConfig = z
  .object({
    parallelism: z.number().int().min(0).optional(),
    delay: Duration.optional(),
    failureAction: z.enum(["pause", "continue", "rollback"]).optional(),
    monitor: Duration.optional(),
    maxFailureRatio: z.number().min(0).max(1).optional(),
    order: z.enum(["stop-first", "start-first"]).optional(),
  })
  .strict();
const Name = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, "letters, digits, '.', '_' and '-', at most 63");

export const MeridianServiceSpec = z
  .object({
    kind: z.literal("SwarmService"),
    apiVersion: z.string().optional(),
    name: Name,
    namespace: Name.optional(),
    image: z.string({ error: "image is required" }).trim().min(1, "image is required"),
    mode: z.enum(["replicated", "global"]).optional(),
    replicas: z.number().int().min(0).max(10_000).optional(),
    env: z.union([z.record(z.string().regex(/^[^=\s]+$/, "no '=' or spaces in env names"), z.union([z.string(), z.number(), z.boolean()])), z.array(z.string().includes("="))]).optional(),
    labels: z.record(z.string().min(1), z.string()).optional(),
    ports: z
      .array(
        z
          .object({
            /** Left out: Docker picks a free host port per task (several replicas on one node, no routing mesh). */
            published: z.number().int().min(1).max(65535).optional(),
            target: z.number().int().min(1).max(65535),
            name: z.string().min(1).max(63).optional(),
            protocol: z.enum(["tcp", "udp", "sctp"]).optional(),
          })
          .strict(),
      )
      .optional(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    resources: z.object({ limits: ResourceAmounts.optional(), reservations: ResourceAmounts.optional() }).strict().optional(),
    updateConfig: UpdateConfig.optional(),
    /** How Swarm rolls back (after a failed update with failureAction rollback, or on request). */
    rollbackConfig: UpdateConfig.optional(),
    restartPolicy: z
      .object({
        condition: z.enum(["none", "on-failure", "any"]).optional(),
        delay: Duration.optional(),
        maxAttempts: z.number().int().min(0).optional(),
        window: Duration.optional(),
      })
      .strict()
      .optional(),
    /** Container health check; Swarm counts a task as running only once it passes, and replaces it when it fails. */
    healthcheck: z
      .object({
        test: z.array(z.string()).min(1),
        interval: Duration.optional(),
        timeout: Duration.optional(),
        retries: z.number().int().min(0).optional(),
        startPeriod: Duration.optional(),
      })
      .strict()
      .optional(),
    /** Swarm secrets by name, mounted as files (/run/secrets/<target>, default the name). */
    secrets: z.array(z.object({ source: Name, target: z.string().min(1).optional() }).strict()).optional(),
    /** Named volumes (created on each node by the local driver). */
    mounts: z.array(z.object({ source: Name, target: z.string().regex(/^\//, "an absolute path") }).strict()).optional(),
    networks: z.array(z.string().min(1)).optional(),
    constraints: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((s) => !(s.mode === "global" && s.replicas !== undefined), { message: "replicas cannot be set for a global service", path: ["replicas"] });
export type MeridianServiceSpec = z.infer<typeof MeridianServiceSpec>;

const durationUnits: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** "1m30s" or seconds as a number -> nanoseconds, as the Engine API wants. */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") return Math.round(value * 1e9);
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)) total += Number(match[1]) * (durationUnits[match[2] ?? "s"] ?? 0);
  return Math.round(total);
}

/** 0.5, "0.5" or "500m" -> NanoCPUs. */
export function parseCpu(value: string | number, field: string): number {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!match) throw new AppError("invalid_input", `${field}: ${JSON.stringify(text)} is not a CPU amount (0.5 or 500m)`);
  const cores = match[2] === "m" ? Number(match[1]) / 1000 : Number(match[1]);
  return Math.round(cores * 1e9);
}

const memoryUnits: Record<string, number> = { "": 1, b: 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4 };

/** 134217728, "128Mi", "1G" or "512m" (Docker's own suffixes are binary: 512m = 512 MiB) -> bytes. */
export function parseMemory(value: string | number, field: string): number {
  if (typeof value === "number") return Math.round(value);
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]{0,2})$/.exec(value.trim());
  const unit = match?.[2] ?? "";
  // Docker CLI suffixes (k, m, g) are binary; Kubernetes-style K, M, G decimal and Ki, Mi, Gi binary.
  const factor = unit === "k" || unit === "m" || unit === "g" ? memoryUnits[`${unit}i`] : memoryUnits[unit.toLowerCase()];
  if (!match || factor === undefined) throw new AppError("invalid_input", `${field}: ${JSON.stringify(value)} is not a memory amount (128Mi, 1G or bytes)`);
  return Math.round(Number(match[1]) * factor);
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
}

/** Parses YAML documents into service specs; unknown kinds and invalid fields are invalid_input. */
export function parseServiceSpecs(text: string, defaultNamespace?: string): MeridianServiceSpec[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new AppError("invalid_input", "the YAML could not be read");
  const specs: MeridianServiceSpec[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) throw new AppError("invalid_input", `YAML document ${index + 1}: ${doc.errors[0]?.message ?? "invalid YAML"}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const kind = typeof value === "object" && !Array.isArray(value) ? (value as { kind?: unknown }).kind : undefined;
    const label = typeof (value as { name?: unknown }).name === "string" ? ` (${(value as { name: string }).name})` : "";
    if (kind !== "SwarmService") {
      throw new AppError("invalid_input", `YAML document ${index + 1}${label}: unsupported kind ${JSON.stringify(kind ?? null)}; a Swarm cluster accepts kind: SwarmService`);
    }
    const parsed = MeridianServiceSpec.safeParse(value);
    if (!parsed.success) throw new AppError("invalid_input", `SwarmService${label}: ${formatIssues(parsed.error)}`, { details: { issues: parsed.error.issues } });
    specs.push({ ...parsed.data, ...(parsed.data.namespace === undefined && defaultNamespace ? { namespace: defaultNamespace } : {}) });
  });
  if (specs.length === 0) throw new AppError("invalid_input", "no SwarmService document in the YAML");
  return specs;
}

function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function toEnvList(env: MeridianServiceSpec["env"]): string[] | undefined {
  if (env === undefined) return undefined;
  if (Array.isArray(env)) return env;
  return Object.entries(env).map(([k, v]) => `${k}=${String(v)}`);
}

function toResources(amounts: z.infer<typeof ResourceAmounts> | undefined, field: string): { NanoCPUs?: number; MemoryBytes?: number } | undefined {
  if (!amounts) return undefined;
  return {
    ...(amounts.cpu !== undefined && { NanoCPUs: parseCpu(amounts.cpu, `${field}.cpu`) }),
    ...(amounts.memory !== undefined && { MemoryBytes: parseMemory(amounts.memory, `${field}.memory`) }),
  };
}

/**
 * The engine fills every UpdateConfig field on write (Monitor 5s, FailureAction pause …), so Meridian
 * writes them all, with the docker CLI's defaults, and a re-apply compares equal.
 */
function toUpdateConfig(update: MeridianServiceSpec["updateConfig"] = {}, defaultFailureAction = "pause"): Record<string, unknown> {
  const delay = update.delay === undefined ? 0 : parseDuration(update.delay);
  return {
    Parallelism: update.parallelism ?? 1,
    ...(delay > 0 && { Delay: delay }),
    FailureAction: update.failureAction ?? defaultFailureAction,
    Monitor: update.monitor === undefined ? 5e9 : parseDuration(update.monitor),
    MaxFailureRatio: update.maxFailureRatio ?? 0,
    Order: update.order ?? "stop-first",
  };
}

/** Restart policy with every field written (the engine stores what it is given), Docker's defaults otherwise. */
function toRestartPolicy(policy: NonNullable<MeridianServiceSpec["restartPolicy"]>): Record<string, unknown> {
  return {
    Condition: policy.condition ?? "any",
    Delay: policy.delay === undefined ? 5e9 : parseDuration(policy.delay),
    MaxAttempts: policy.maxAttempts ?? 0,
    ...(policy.window !== undefined && parseDuration(policy.window) > 0 && { Window: parseDuration(policy.window) }),
  };
}

/** Zero durations are left out: the engine drops them (omitempty), and a re-apply must compare equal. */
function toHealthcheck(check: NonNullable<MeridianServiceSpec["healthcheck"]>): Record<string, unknown> {
  const duration = (value: string | number | undefined) => (value === undefined ? 0 : parseDuration(value));
  return {
    Test: check.test,
    ...(duration(check.interval) > 0 && { Interval: duration(check.interval) }),
    ...(duration(check.timeout) > 0 && { Timeout: duration(check.timeout) }),
    ...(check.retries !== undefined && check.retries > 0 && { Retries: check.retries }),
    ...(duration(check.startPeriod) > 0 && { StartPeriod: duration(check.startPeriod) }),
  };
}

/** What apply looked up in the engine: the image pinned to its digest, network and secret names as ids (as stored). */
export interface ResolvedRefs {
  image: string;
  networkIds?: string[];
  /** Secret name -> id. */
  secretIds?: Record<string, string>;
}

/** Writes the fields Meridian manages onto a copy of the current spec (or a new one). */
export function mergeServiceSpec(current: ServiceSpec | undefined, desired: MeridianServiceSpec, resolved: ResolvedRefs): ServiceSpec {
  const spec: ServiceSpec = structuredClone(current ?? {});
  spec.Name = desired.name;
  const labels = { ...(desired.labels ?? {}) };
  if (desired.namespace) labels[stackLabel] = desired.namespace;
  setOrDelete(spec, "Labels", Object.keys(labels).length > 0 ? labels : undefined);

  const task = (spec.TaskTemplate ??= {});
  const container = (task.ContainerSpec ??= {});
  container.Image = resolved.image;
  setOrDelete(container, "Env", toEnvList(desired.env));
  setOrDelete(container, "Command", desired.command);
  setOrDelete(container, "Args", desired.args);
  setOrDelete(container, "Healthcheck", desired.healthcheck && toHealthcheck(desired.healthcheck));
  setOrDelete(
    container,
    "Secrets",
    desired.secrets?.map((ref) => ({
      File: { Name: ref.target ?? ref.source, UID: "0", GID: "0", Mode: 0o444 },
      SecretID: resolved.secretIds?.[ref.source] ?? ref.source,
      SecretName: ref.source,
    })),
  );
  setOrDelete(container, "Mounts", desired.mounts?.map((m) => ({ Type: "volume", Source: m.source, Target: m.target })));
  // Containers carry the stack label too, as `docker stack deploy` does; other container labels stay.
  const containerLabels = { ...(container.Labels ?? {}) };
  if (desired.namespace) containerLabels[stackLabel] = desired.namespace;
  else delete containerLabels[stackLabel];
  setOrDelete(container, "Labels", Object.keys(containerLabels).length > 0 ? containerLabels : undefined);

  const limits = toResources(desired.resources?.limits, "resources.limits");
  const reservations = toResources(desired.resources?.reservations, "resources.reservations");
  setOrDelete(task, "Resources", limits || reservations ? { ...(limits && { Limits: limits }), ...(reservations && { Reservations: reservations }) } : undefined);
  const placement = { ...(task.Placement ?? {}) };
  setOrDelete(placement, "Constraints", desired.constraints);
  setOrDelete(task, "Placement", Object.keys(placement).length > 0 ? placement : undefined);
  setOrDelete(task, "Networks", (resolved.networkIds ?? desired.networks)?.map((target) => ({ Target: target })));
  setOrDelete(task, "RestartPolicy", desired.restartPolicy && toRestartPolicy(desired.restartPolicy));

  spec.Mode = desired.mode === "global" ? { Global: {} } : { Replicated: { Replicas: desired.replicas ?? 1 } };
  spec.UpdateConfig = toUpdateConfig(desired.updateConfig);
  setOrDelete(spec, "RollbackConfig", desired.rollbackConfig && toUpdateConfig(desired.rollbackConfig));
  const endpoint = { ...(spec.EndpointSpec ?? {}) };
  // Host-mode publishing: no routing mesh (IPVS) is needed on the nodes.
  setOrDelete(
    endpoint,
    "Ports",
    desired.ports?.map((p) => ({ ...(p.name && { Name: p.name }), Protocol: p.protocol ?? "tcp", TargetPort: p.target, ...(p.published && { PublishedPort: p.published }), PublishMode: "host" })),
  );
  setOrDelete(spec, "EndpointSpec", Object.keys(endpoint).length > 0 ? endpoint : undefined);
  return spec;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function isSameSpec(a: ServiceSpec | undefined, b: ServiceSpec | undefined): boolean {
  return JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null));
}

/** Unified diff of two specs as YAML (keys sorted, so only real changes show). */
export function diffServiceSpecs(name: string, before: ServiceSpec | undefined, after: ServiceSpec | undefined): string {
  const render = (spec: ServiceSpec | undefined) => (spec === undefined ? "" : stringify(sortKeys(spec)));
  // Without jsdiff's "=====" banner line, like the Kubernetes driver's diffs.
  return createTwoFilesPatch(`${name} (live)`, `${name} (applied)`, render(before), render(after), undefined, undefined, { context: 3 }).replace(/^=+\n/, "");
}
