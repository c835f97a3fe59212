import { AppError, type ObjectRef } from "@meridian/core";
import type { DockerClient } from "./docker-client.js";
import type { DockerService, DockerTask, ServiceSpec } from "./docker-types.js";
import { getNode, getService } from "./objects.js";
import { getServiceMode } from "./projections.js";

/**
 * Updates a service from its current spec. Swarm rejects a stale Version.Index ("update out of sequence"),
 * so a concurrent change gets one fresh read and retry.
 */
export async function updateService(
  client: DockerClient,
  ref: ObjectRef,
  change: (service: DockerService) => ServiceSpec,
  query: Record<string, string> = {},
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const service = await getService(client, ref);
    const spec = change(service);
    try {
      await client.requestJson({ method: "POST", path: `/services/${service.ID}/update`, query: { version: service.Version?.Index ?? 0, ...query }, body: spec });
      return;
    } catch (error) {
      if (attempt === 0 && error instanceof AppError && error.code === "conflict") continue;
      throw error;
    }
  }
}

function requireService(ref: ObjectRef, verb: string): void {
  if (ref.kind !== "SwarmService") throw new AppError("invalid_input", `cannot ${verb} a ${ref.kind}: only SwarmService can be`);
}

export async function scaleService(client: DockerClient, ref: ObjectRef, replicas: number): Promise<void> {
  requireService(ref, "scale");
  if (!Number.isInteger(replicas) || replicas < 0) throw new AppError("invalid_input", `replicas must be a whole number >= 0, not ${replicas}`);
  await updateService(client, ref, (service) => {
    const mode = getServiceMode(service);
    if (mode !== "replicated") throw new AppError("invalid_input", `SwarmService ${ref.name} is a ${mode} service; only replicated services can be scaled`);
    return { ...service.Spec, Mode: { Replicated: { Replicas: replicas } } };
  });
}

export async function restartService(client: DockerClient, ref: ObjectRef): Promise<void> {
  requireService(ref, "restart");
  // A changed ForceUpdate makes Swarm replace every task even though nothing else changed.
  await updateService(client, ref, (service) => {
    const task = service.Spec?.TaskTemplate ?? {};
    return { ...service.Spec, TaskTemplate: { ...task, ForceUpdate: (task.ForceUpdate ?? 0) + 1 } };
  });
}

export async function rollbackService(client: DockerClient, ref: ObjectRef): Promise<void> {
  requireService(ref, "roll back");
  await updateService(
    client,
    ref,
    (service) => {
      if (!service.PreviousSpec) throw new AppError("conflict", `SwarmService ${ref.name} has no previous spec to roll back to`);
      return service.Spec ?? {};
    },
    { rollback: "previous" },
  );
}

const deletePaths: Record<string, string> = {
  SwarmService: "/services",
  SwarmNetwork: "/networks",
  SwarmConfig: "/configs",
  SwarmSecret: "/secrets",
  SwarmVolume: "/volumes",
};

export async function deleteSwarmObject(client: DockerClient, ref: ObjectRef, inspect: (ref: ObjectRef) => Promise<{ object: Record<string, unknown> }>): Promise<void> {
  const path = deletePaths[ref.kind];
  if (path === undefined) throw new AppError("invalid_input", `cannot delete a ${ref.kind}${ref.kind === "SwarmTask" ? ": remove or scale its service" : ""}`);
  // Resolve first: the stack check applies, and removal goes by id (names may be ambiguous prefixes).
  const { object } = await inspect(ref);
  const id = ref.kind === "SwarmVolume" ? String(object.Name) : String(object.ID ?? object.Id);
  await client.requestText({ method: "DELETE", path: `${path}/${encodeURIComponent(id)}` });
}

async function setNodeAvailability(client: DockerClient, name: string, availability: "active" | "pause" | "drain"): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const { node } = await getNode(client, name);
    try {
      await client.requestText({ method: "POST", path: `/nodes/${node.ID}/update`, query: { version: node.Version?.Index ?? 0 }, body: { ...node.Spec, Availability: availability } });
      return node.ID;
    } catch (error) {
      if (attempt === 0 && error instanceof AppError && error.code === "conflict") continue;
      throw error;
    }
  }
}

export async function setNodeSchedulable(client: DockerClient, name: string, schedulable: boolean): Promise<void> {
  await setNodeAvailability(client, name, schedulable ? "active" : "pause");
}

/** Drains the node; Swarm moves its tasks. `evicted` counts the tasks running there when it was drained. */
export async function drainNode(client: DockerClient, name: string): Promise<{ evicted: number; skipped: string[] }> {
  const { node } = await getNode(client, name);
  const tasks = await client.requestJson<DockerTask[]>({ path: "/tasks", query: { filters: { node: [node.ID], "desired-state": ["running"] } } });
  const evicted = tasks.filter((t) => t.Status?.State === "running").length;
  await setNodeAvailability(client, node.ID, "drain");
  return { evicted, skipped: [] };
}
