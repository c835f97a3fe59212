import { AppError, type AppTarget, type ApplyResult } from "@meridian/core";
import type { DockerClient } from "../docker-client.js";
import { type DockerSecret, stackLabel } from "../docker-types.js";
import { type DockerSecretItem, getAppFilters, getObjectLabels } from "./names.js";

export async function listAppSecrets(client: DockerClient, t: AppTarget): Promise<DockerSecret[]> {
  const secrets = await client.requestJson<DockerSecret[]>({ path: "/secrets", query: { filters: getAppFilters(t) } });
  return secrets.filter((s) => s.Spec?.Labels?.[stackLabel] === t.namespace);
}

/**
 * Creates the desired secrets that do not exist. A name is one immutable version (a new value is a new name),
 * so an existing one is unchanged: Docker never returns secret data, and nothing here compares it.
 */
export async function ensureSecrets(client: DockerClient, t: AppTarget, items: DockerSecretItem[], existing: DockerSecret[], dryRun: boolean): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  for (const item of items) {
    const base = { kind: "SwarmSecret", namespace: t.namespace, name: item.name };
    if (existing.some((s) => s.Spec?.Name === item.name)) {
      results.push({ ...base, action: "unchanged", diff: "" });
      continue;
    }
    if (!dryRun) {
      try {
        await client.requestJson({
          method: "POST",
          path: "/secrets/create",
          body: { Name: item.name, Labels: { ...getObjectLabels(t), "meridian.dev/secret": item.secret }, Data: Buffer.from(item.value).toString("base64") },
        });
      } catch (error) {
        // A same-named secret that is not the app's: never adopted, its content is unknown.
        if (error instanceof AppError && error.code === "conflict") throw new AppError("conflict", `Swarm secret ${item.name} already exists and does not belong to app ${t.app}`, { cause: error });
        throw error;
      }
    }
    results.push({ ...base, action: "created", diff: `+ secret ${item.name} (${item.secret}/${item.key}, value not shown)\n` });
  }
  return results;
}

/**
 * Deletes the app's secrets not in `keep`. Docker refuses to delete a secret a service still references: such
 * a secret stays and goes at a later apply or the app's deletion.
 */
export async function removeUnusedSecrets(client: DockerClient, t: AppTarget, keep: Set<string>): Promise<void> {
  for (const secret of await listAppSecrets(client, t)) {
    if (keep.has(secret.Spec?.Name ?? "")) continue;
    try {
      await client.requestText({ method: "DELETE", path: `/secrets/${secret.ID}` });
    } catch (error) {
      if (error instanceof AppError && (error.code === "not_found" || error.code === "conflict" || error.code === "invalid_input")) continue;
      throw error;
    }
  }
}
