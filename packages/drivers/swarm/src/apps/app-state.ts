import { type AppTarget, type Slot, slots } from "@meridian/core";
import type { DockerClient } from "../docker-client.js";
import { type DockerNode, type DockerService, type DockerTask, stackLabel } from "../docker-types.js";
import { getAppFilters, slotLabel } from "./names.js";

export interface SlotState {
  slot: Slot;
  service: DockerService;
  /** Every task the engine still remembers (history included), newest first. */
  tasks: DockerTask[];
}

const isSlot = (value: string | undefined): value is Slot => slots.includes(value as Slot);

/** The app's slot services: labelled for the app and in its stack (labels alone could come from another stack). */
export async function listSlotServices(client: DockerClient, target: AppTarget): Promise<{ slot: Slot; service: DockerService }[]> {
  const services = await client.requestJson<DockerService[]>({ path: "/services", query: { filters: getAppFilters(target), status: true } });
  return services
    .filter((s) => s.Spec?.Labels?.[stackLabel] === target.namespace)
    .flatMap((service) => {
      const slot = service.Spec?.Labels?.[slotLabel];
      return isSlot(slot) ? [{ slot, service }] : [];
    })
    .sort((a, b) => slots.indexOf(a.slot) - slots.indexOf(b.slot));
}

/** Services with their tasks, in one task query for all slots. */
export async function readSlotStates(client: DockerClient, target: AppTarget): Promise<SlotState[]> {
  const services = await listSlotServices(client, target);
  if (services.length === 0) return [];
  const tasks = await client.requestJson<DockerTask[]>({ path: "/tasks", query: { filters: { service: services.map((s) => s.service.ID) } } });
  tasks.sort((a, b) => (b.Status?.Timestamp ?? "").localeCompare(a.Status?.Timestamp ?? ""));
  return services.map(({ slot, service }) => ({ slot, service, tasks: tasks.filter((t) => t.ServiceID === service.ID) }));
}

/** Running now and meant to keep running (Swarm starts a task with a health check as running only once healthy). */
export function isTaskReady(task: DockerTask): boolean {
  return task.DesiredState === "running" && task.Status?.State === "running";
}

/** Node id -> address the node's published ports are reached at. */
export async function readNodeAddresses(client: DockerClient): Promise<Map<string, string>> {
  const nodes = await client.requestJson<DockerNode[]>({ path: "/nodes" });
  const addresses = new Map<string, string>();
  for (const node of nodes) {
    // Status.Addr can be 0.0.0.0 on some engines; the manager's advertised address (host part) is then the best guess.
    const addr = node.Status?.Addr && node.Status.Addr !== "0.0.0.0" ? node.Status.Addr : node.ManagerStatus?.Addr?.replace(/:\d+$/, "");
    if (addr) addresses.set(node.ID, addr);
  }
  return addresses;
}
