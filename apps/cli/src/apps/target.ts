import type { MeridianClient } from "@meridian/client";
import { UsageError } from "../errors.js";
import { resolveEnvironmentId, resolveProjectId } from "../resolve.js";
import type { Runtime } from "../runtime.js";
import type { ReleaseTarget } from "./release-watch.js";

export interface ProjectTarget {
  client: MeridianClient;
  orgId: string;
  projectId: string;
  projectRef: string;
}

const appName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** App names are DNS labels; say so before a request fails with a 404 for a name that cannot exist. */
export function checkAppName(name: string | undefined): string {
  if (!name || name.length > 40 || !appName.test(name)) {
    throw new UsageError(`app name "${name ?? ""}" is not valid: up to 40 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
  return name;
}

/** The context has no project of its own, so every app command names one. */
export async function resolveProjectTarget(rt: Runtime, project: string | undefined): Promise<ProjectTarget> {
  if (!project) throw new UsageError("--project is required: apps live in a project (see: meridian projects list)");
  const client = rt.getClient();
  const orgId = rt.getOrg();
  return { client, orgId, projectId: await resolveProjectId(client, orgId, project), projectRef: project };
}

export async function resolveReleaseTarget(rt: Runtime, app: string | undefined, project: string | undefined, env: string | undefined): Promise<ReleaseTarget> {
  const name = checkAppName(app);
  if (!env) throw new UsageError("--env is required: releases happen in one environment");
  const p = await resolveProjectTarget(rt, project);
  const environmentId = await resolveEnvironmentId(p.client, p.orgId, p.projectId, env);
  return { ...p, app: name, environmentId, envRef: env };
}
