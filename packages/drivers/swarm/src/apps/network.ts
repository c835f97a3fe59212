import { AppError, type AppTarget, type ApplyResult } from "@meridian/core";
import type { DockerClient } from "../docker-client.js";
import { stackLabel } from "../docker-types.js";

/**
 * The project's attachable overlay network, created on first use and shared by the project's apps (so it is
 * not removed with an app). Routing does not use it: Caddy reaches tasks on their published host ports.
 * Returns a result only when the network is (to be) created; an existing one is not the app's object.
 */
export async function ensureProjectNetwork(client: DockerClient, t: AppTarget, name: string, dryRun: boolean): Promise<ApplyResult | undefined> {
  try {
    await client.requestJson({ path: `/networks/${encodeURIComponent(name)}` });
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError && error.code === "not_found")) throw error;
  }
  const body = {
    Name: name,
    Driver: "overlay",
    Attachable: true,
    CheckDuplicate: true,
    Labels: { "app.kubernetes.io/managed-by": "meridian", "meridian.dev/project": t.project, [stackLabel]: t.namespace },
  };
  if (!dryRun) {
    try {
      await client.requestJson({ method: "POST", path: "/networks/create", body });
    } catch (error) {
      // Another app of the project created it meanwhile.
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
  return { kind: "SwarmNetwork", namespace: t.namespace, name, action: "created", diff: `+ overlay network ${name} (attachable)\n` };
}
