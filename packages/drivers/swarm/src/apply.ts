import { AppError, type ApplyResult } from "@meridian/core";
import type { DockerClient } from "./docker-client.js";
import { type DockerService, type ServiceSpec, stackLabel } from "./docker-types.js";
import { stripDigest } from "./projections.js";
import { type MeridianServiceSpec, diffServiceSpecs, isSameSpec, mergeServiceSpec, parseServiceSpecs } from "./service-spec.js";
import { updateService } from "./operations.js";

type Log = (msg: string, extra?: object) => void;

export async function findService(client: DockerClient, name: string): Promise<DockerService | undefined> {
  try {
    const service = await client.requestJson<DockerService>({ path: `/services/${encodeURIComponent(name)}` });
    // The engine also matches id prefixes; only an exact name is "this service".
    return service.Spec?.Name === name ? service : undefined;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return undefined;
    throw error;
  }
}

/**
 * Pins the image to its registry digest, as `docker service create` does, so every node runs the same
 * build. When the registry cannot answer, an unchanged tag keeps the digest already pinned.
 */
async function resolveImage(client: DockerClient, image: string, current: string | undefined, log: Log): Promise<string> {
  if (image.includes("@sha256:")) return image;
  try {
    const info = await client.requestJson<{ Descriptor?: { digest?: string } }>({ path: `/distribution/${image}/json`, timeoutMs: 15_000 });
    const digest = info.Descriptor?.digest;
    if (digest) return `${image}@${digest}`;
  } catch (error) {
    log("swarm: image digest not resolved; using the tag", { image, reason: error instanceof Error ? error.message : String(error) });
  }
  if (current !== undefined && stripDigest(current) === image) return current;
  return image;
}

/**
 * With pendingRefs, a missing network or secret is one the caller creates before the real apply (a dry run of
 * a new app): its name stands in for the id in the diff instead of failing.
 */
interface ApplyOptions {
  dryRun: boolean;
  pendingRefs?: boolean;
  /** Variables whose values never appear in diffs (secret variables given as plain env). */
  redactEnv?: string[];
}

/** A copy of the spec whose listed variables read NAME=(secret). */
function redactSpec(spec: ServiceSpec | undefined, names: string[] | undefined): ServiceSpec | undefined {
  const env = spec?.TaskTemplate?.ContainerSpec?.Env;
  if (!spec || !env || !names || names.length === 0) return spec;
  const copy = structuredClone(spec);
  const container = copy.TaskTemplate?.ContainerSpec;
  if (container) container.Env = env.map((e) => (names.includes(e.slice(0, e.indexOf("="))) ? `${e.slice(0, e.indexOf("="))}=(secret)` : e));
  return copy;
}

/** Service specs store networks by id; names are looked up so a re-apply compares equal. */
async function resolveNetworks(client: DockerClient, names: string[] | undefined, pendingRefs: boolean): Promise<string[] | undefined> {
  if (names === undefined) return undefined;
  const ids: string[] = [];
  for (const name of names) {
    try {
      ids.push((await client.requestJson<{ Id: string }>({ path: `/networks/${encodeURIComponent(name)}` })).Id);
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found") {
        if (pendingRefs) ids.push(name);
        else throw new AppError("invalid_input", `network ${name} not found`);
      } else throw error;
    }
  }
  return ids;
}

/** Secrets are referenced by id and name; only an exact name counts (the engine also matches id prefixes). */
async function resolveSecrets(client: DockerClient, refs: MeridianServiceSpec["secrets"], pendingRefs: boolean): Promise<Record<string, string> | undefined> {
  if (refs === undefined || refs.length === 0) return undefined;
  const found = await client.requestJson<{ ID: string; Spec?: { Name?: string } }[]>({ path: "/secrets", query: { filters: { name: refs.map((r) => r.source) } } });
  const ids: Record<string, string> = {};
  for (const { source } of refs) {
    const id = found.find((s) => s.Spec?.Name === source)?.ID;
    if (id !== undefined) ids[source] = id;
    else if (!pendingRefs) throw new AppError("invalid_input", `secret ${source} not found`);
  }
  return ids;
}

async function applyOne(client: DockerClient, desired: MeridianServiceSpec, opts: ApplyOptions, log: Log): Promise<ApplyResult> {
  const { dryRun } = opts;
  const current = await findService(client, desired.name);
  const namespace = desired.namespace ?? null;
  const base = { kind: "SwarmService", namespace, name: desired.name };
  const currentStack = current?.Spec?.Labels?.[stackLabel] ?? null;
  // Applying into one stack must not take over a same-named service of another stack (or of none).
  if (current && currentStack !== namespace) {
    throw new AppError("conflict", `SwarmService ${desired.name} already exists ${currentStack ? `in stack ${currentStack}` : "outside any stack"}`);
  }
  const image = await resolveImage(client, desired.image, current?.Spec?.TaskTemplate?.ContainerSpec?.Image, log);
  const pending = opts.pendingRefs === true && dryRun;
  const secretIds = await resolveSecrets(client, desired.secrets, pending);
  const resolved = { image, networkIds: await resolveNetworks(client, desired.networks, pending), ...(secretIds && { secretIds }) };
  const after = mergeServiceSpec(current?.Spec, desired, resolved);
  if (current && isSameSpec(current.Spec, after)) return { ...base, action: "unchanged", diff: "" };
  const diff = diffServiceSpecs(desired.name, redactSpec(current?.Spec, opts.redactEnv), redactSpec(after, opts.redactEnv));
  if (!current) {
    if (!dryRun) await client.requestJson({ method: "POST", path: "/services/create", body: after });
    return { ...base, action: "created", diff };
  }
  if (!dryRun) {
    // Re-merge onto the spec read just before the write, so a concurrent change is not overwritten blindly.
    await updateService(client, { kind: "SwarmService", name: current.ID }, (fresh) => mergeServiceSpec(fresh.Spec, desired, resolved));
  }
  return { ...base, action: "configured", diff };
}

/** Creates or updates each SwarmService document; dryRun only computes the diffs. */
export async function applyServiceSpecs(client: DockerClient, yaml: string, opts: { dryRun: boolean; defaultNamespace?: string }, log: Log): Promise<ApplyResult[]> {
  const specs = parseServiceSpecs(yaml, opts.defaultNamespace);
  const results: ApplyResult[] = [];
  for (const spec of specs) results.push(await applyOne(client, spec, { dryRun: opts.dryRun }, log));
  return results;
}

/** One spec already in Meridian's shape (the app driver renders them), through the same path as YAML. */
export function applyServiceSpec(client: DockerClient, spec: MeridianServiceSpec, opts: ApplyOptions, log: Log): Promise<ApplyResult> {
  return applyOne(client, spec, opts, log);
}
