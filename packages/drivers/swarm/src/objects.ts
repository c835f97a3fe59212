import { AppError, type FullObject, type ObjectRef } from "@meridian/core";
import type { DockerClient } from "./docker-client.js";
import {
  type DockerConfig,
  type DockerNetwork,
  type DockerNode,
  type DockerSecret,
  type DockerService,
  type DockerTask,
  type DockerVolume,
  type Labels,
  stackLabel,
} from "./docker-types.js";
import { getNodeNames, getTaskName, isSwarmKind } from "./projections.js";

function describeRef(kind: string, name: string, namespace?: string | null): string {
  return `${kind} ${name}${namespace ? ` in stack ${namespace}` : ""}`;
}

/** Inspect by name or id; the engine's 404 becomes a not_found that names the object. */
async function inspect<T>(client: DockerClient, kind: string, path: string, name: string): Promise<T> {
  try {
    return await client.requestJson<T>({ path: `${path}/${encodeURIComponent(name)}` });
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") throw new AppError("not_found", `${describeRef(kind, name)} not found`, { cause: error });
    throw error;
  }
}

/** A ref that names a stack only matches objects of that stack: project-scoped callers cannot reach others. */
function checkNamespace(kind: string, ref: ObjectRef, labels: Labels | null | undefined): void {
  if (!ref.namespace) return;
  if ((labels?.[stackLabel] ?? "") !== ref.namespace) throw new AppError("not_found", `${describeRef(kind, ref.name, ref.namespace)} not found`);
}

export async function getService(client: DockerClient, ref: ObjectRef): Promise<DockerService> {
  const service = await inspect<DockerService>(client, "SwarmService", "/services", ref.name);
  checkNamespace("SwarmService", ref, service.Spec?.Labels);
  return service;
}

/** Finds a node by its display name (hostname, or hostname.id12 when shared), hostname or id. */
export async function getNode(client: DockerClient, name: string): Promise<{ node: DockerNode; name: string }> {
  const nodes = await client.requestJson<DockerNode[]>({ path: "/nodes" });
  const names = getNodeNames(nodes);
  const matches = (predicate: (n: DockerNode) => boolean) => nodes.filter(predicate);
  for (const candidates of [
    matches((n) => names.get(n.ID) === name || n.ID === name),
    matches((n) => n.Description?.Hostname === name),
    name.length >= 6 ? matches((n) => n.ID.startsWith(name)) : [],
  ]) {
    if (candidates.length > 1) throw new AppError("invalid_input", `SwarmNode ${name} is ambiguous: ${candidates.map((n) => names.get(n.ID)).join(", ")}`);
    const node = candidates[0];
    if (node) return { node, name: names.get(node.ID) ?? name };
  }
  throw new AppError("not_found", `SwarmNode ${name} not found`);
}

/** Finds a task by its inventory name (service.slot.id12) or its id. */
export async function getTask(client: DockerClient, ref: ObjectRef): Promise<{ task: DockerTask; name: string; service: DockerService | null }> {
  const idPart = ref.name.includes(".") ? (ref.name.split(".").pop() ?? "") : ref.name;
  if (!/^[a-z0-9]{6,}$/.test(idPart)) throw new AppError("not_found", `${describeRef("SwarmTask", ref.name, ref.namespace)} not found`);
  const tasks = await client.requestJson<DockerTask[]>({ path: "/tasks", query: { filters: { id: [idPart] } } });
  for (const task of tasks) {
    const service = task.ServiceID ? await client.requestJson<DockerService>({ path: `/services/${task.ServiceID}` }).catch(() => null) : null;
    const name = getTaskName(task, service?.Spec?.Name ?? task.ServiceID?.slice(0, 12) ?? "");
    if (name !== ref.name && task.ID !== ref.name) continue;
    checkNamespace("SwarmTask", ref, service?.Spec?.Labels ?? task.Spec?.ContainerSpec?.Labels);
    return { task, name, service };
  }
  throw new AppError("not_found", `${describeRef("SwarmTask", ref.name, ref.namespace)} not found`);
}

/** The object as the engine returns it; a config's data is dropped and a secret's never returned. */
export async function getSwarmObject(client: DockerClient, ref: ObjectRef): Promise<FullObject> {
  if (!isSwarmKind(ref.kind)) throw new AppError("invalid_input", `unsupported kind ${ref.kind} for a Swarm cluster`);
  switch (ref.kind) {
    case "SwarmService":
      return { object: { ...(await getService(client, ref)) } };
    case "SwarmNode":
      return { object: { ...(await getNode(client, ref.name)).node } };
    case "SwarmTask":
      return { object: { ...(await getTask(client, ref)).task } };
    case "SwarmNetwork": {
      const network = await inspect<DockerNetwork>(client, ref.kind, "/networks", ref.name);
      checkNamespace(ref.kind, ref, network.Labels);
      return { object: { ...network } };
    }
    case "SwarmConfig": {
      const config = await inspect<DockerConfig>(client, ref.kind, "/configs", ref.name);
      checkNamespace(ref.kind, ref, config.Spec?.Labels);
      const { Data: _data, ...spec } = config.Spec ?? {};
      return { object: { ...config, Spec: spec } };
    }
    case "SwarmSecret": {
      const secret = await inspect<DockerSecret & { Spec?: { Data?: string } }>(client, ref.kind, "/secrets", ref.name);
      checkNamespace(ref.kind, ref, secret.Spec?.Labels);
      const { Data: _data, ...spec } = secret.Spec ?? {};
      return { object: { ...secret, Spec: spec } };
    }
    case "SwarmVolume":
      return { object: { ...(await inspect<DockerVolume>(client, ref.kind, "/volumes", ref.name)) } };
    default: {
      const unknown: never = ref.kind;
      throw new AppError("invalid_input", `unsupported kind ${String(unknown)}`);
    }
  }
}
