import { AppError } from "@meridian/core";
import type { KubeHttp } from "./kube-http.js";
import { type ApiResource, builtinResources, splitApiVersion } from "./resources.js";

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/** Maps (apiVersion, kind) to a REST resource: built-ins from the table, anything else by API discovery. */
export function createResolver(http: KubeHttp) {
  const cache = new Map<string, ApiResource[]>();

  async function discover(apiVersion: string): Promise<ApiResource[]> {
    const hit = cache.get(apiVersion);
    if (hit) return hit;
    const { group, version } = splitApiVersion(apiVersion);
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    let list: ApiResourceList;
    try {
      list = await http.request<ApiResourceList>("GET", path, { timeoutMs: 15_000 });
    } catch (err) {
      if (err instanceof AppError && err.code === "not_found") throw new AppError("invalid_input", `the cluster does not serve apiVersion ${apiVersion}`);
      throw err;
    }
    const out = (list.resources ?? [])
      .filter((r) => !r.name.includes("/"))
      .map((r) => ({ kind: r.kind, group, version, plural: r.name, namespaced: r.namespaced }));
    cache.set(apiVersion, out);
    return out;
  }

  return {
    async resolve(kind: string, apiVersion?: string): Promise<ApiResource> {
      if (!apiVersion) {
        const b = builtinResources.find((r) => r.kind === kind);
        if (b) return b;
        throw new AppError("invalid_input", `unknown kind ${kind}: give its apiVersion (group/version) for custom resources`);
      }
      const { group, version } = splitApiVersion(apiVersion);
      const b = builtinResources.find((r) => r.kind === kind && r.group === group && r.version === version);
      if (b) return b;
      const found = (await discover(apiVersion)).find((r) => r.kind === kind);
      if (!found) throw new AppError("invalid_input", `the cluster has no kind ${kind} in ${apiVersion}`);
      return found;
    },
  };
}
export type Resolver = ReturnType<typeof createResolver>;
