import { AppError, type AppTarget, type DesiredSecret, type Slot, appLabels } from "@meridian/core";
import { stackLabel } from "../docker-types.js";

/** Labels beyond appLabels() that the driver reads back. */
export const releaseLabel = "meridian.dev/release";
export const appLabel = "meridian.dev/app";
export const slotLabel = "meridian.dev/slot";
/** On the autoscaled slot's service: "min=1,max=4,cpu=60", what Meridian's autoscaler (in the server) holds. */
export const autoscalingLabel = "meridian.dev/autoscaling";

/** `<stack>_<app>-<slot>`, as `docker stack deploy` names a stack's services. */
export function getServiceName(t: AppTarget, slot: Slot): string {
  const name = `${t.namespace}_${t.app}-${slot}`;
  if (name.length > 63) throw new AppError("invalid_input", `Swarm service name ${name} is longer than 63 characters; shorten the stack or app name`);
  return name;
}

/** One attachable overlay network per project, shared by its apps (service discovery between them). */
export function getProjectNetworkName(t: AppTarget): string {
  return `meridian-${t.project}`;
}

/** Labels of every Swarm object of the app (stack label included, so stack views group them). */
export function getObjectLabels(t: AppTarget, slot?: Slot): Record<string, string> {
  return { ...appLabels(t, slot), [stackLabel]: t.namespace };
}

/** Docker label filters that select the app's objects (the stack label is checked by the caller: ids, not names). */
export function getAppFilters(t: AppTarget): { label: string[] } {
  const labels = appLabels(t);
  return { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
}

export interface DockerSecretItem {
  /** Docker secret name. */
  name: string;
  secret: string;
  key: string;
  value: string;
}

/**
 * A Docker secret holds one value, a DesiredSecret several keys. A single-key secret keeps its exact name; each
 * key of a multi-key secret becomes `<name>.<key>`. Names are unique per version, so content never changes
 * under a name (Docker secrets are immutable anyway).
 */
export function listDockerSecrets(secrets: DesiredSecret[]): DockerSecretItem[] {
  return secrets.flatMap((s) => {
    const entries = Object.entries(s.data);
    return entries.map(([key, value]) => ({ name: entries.length === 1 ? s.name : `${s.name}.${key}`, secret: s.name, key, value }));
  });
}
