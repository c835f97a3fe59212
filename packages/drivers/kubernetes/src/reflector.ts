import { AppError, type InventoryItem, type InventorySink, type InventoryStats } from "@meridian/core";
import type { KubeHttp } from "./kube-http.js";
import { keyOf, projectObject } from "./projections.js";
import { type ApiResource, pathOf } from "./resources.js";

type Obj = Record<string, any>;

export interface ReflectorOptions {
  http: KubeHttp;
  resource: ApiResource;
  sink: InventorySink;
  stats: InventoryStats;
  signal: AbortSignal;
  pageSize?: number;
  log?: (msg: string, extra?: object) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => (clearTimeout(t), resolve());
    const t = setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

/**
 * List+watch of one resource, the way client-go's reflector does it but lean: the list is paginated
 * (limit 500), objects are projected as they arrive, the watch asks for bookmarks and resumes from the last
 * resourceVersion after a disconnect (no relist), and only a 410 Gone forces a fresh list.
 */
export async function runReflector(opts: ReflectorOptions): Promise<void> {
  const { http, resource, sink, stats, signal } = opts;
  const { kind, group } = resource;
  const base = pathOf(resource, null);
  let rv: string | null = null;
  let failures = 0;
  let listedBefore = false;
  const project = (o: Obj): InventoryItem => projectObject(kind, group, o);

  async function list(): Promise<string> {
    sink.state(kind, group, { phase: "listing" });
    const items: InventoryItem[] = [];
    let cont: string | undefined;
    let listRv = "";
    do {
      const q = new URLSearchParams({ limit: String(opts.pageSize ?? 500) });
      if (cont) q.set("continue", cont);
      const page = await http.request<Obj>("GET", `${base}?${q}`, { timeoutMs: 60_000, signal });
      for (const o of (page.items ?? []) as Obj[]) {
        // List items carry no kind; projections only read metadata/spec/status.
        items.push(project(o));
      }
      cont = page.metadata?.continue || undefined;
      listRv = String(page.metadata?.resourceVersion ?? "");
    } while (cont && !signal.aborted);
    stats.lists++;
    sink.replace(kind, group, items);
    return listRv;
  }

  async function watch(from: string): Promise<{ rv: string; gone: boolean }> {
    const q = new URLSearchParams({ watch: "1", allowWatchBookmarks: "true", resourceVersion: from, timeoutSeconds: String(240 + Math.floor(Math.random() * 60)) });
    stats.watches++;
    let last = from;
    sink.state(kind, group, { phase: "watching" });
    for await (const line of http.streamLines(`${base}?${q}`, signal)) {
      let ev: { type: string; object: Obj };
      try {
        ev = JSON.parse(line);
      } catch {
        continue;
      }
      const o = ev.object ?? {};
      if (ev.type === "ERROR") {
        if (o.code === 410) return { rv: last, gone: true };
        throw new AppError("unavailable", `watch of ${resource.plural} failed: ${o.message ?? "unknown error"}`);
      }
      const next = o.metadata?.resourceVersion;
      if (typeof next === "string" && next) last = next;
      if (ev.type === "BOOKMARK") {
        stats.bookmarks++;
        continue;
      }
      stats.events++;
      if (ev.type === "DELETED") sink.remove(keyOf(kind, group, o.metadata?.namespace, String(o.metadata?.name)));
      else sink.upsert(project(o));
      failures = 0;
    }
    return { rv: last, gone: false };
  }

  while (!signal.aborted) {
    try {
      if (rv === null) {
        if (listedBefore) stats.relists++;
        rv = await list();
        listedBefore = true;
      }
      const res = await watch(rv);
      rv = res.gone ? null : res.rv;
      failures = 0;
    } catch (err) {
      if (signal.aborted) break;
      const e = err instanceof AppError ? err : new AppError("unavailable", String(err));
      if ((e.details as { gone?: boolean } | undefined)?.gone) rv = null;
      failures++;
      sink.state(kind, group, { phase: "error", message: e.message });
      // Permission errors will not heal by retrying fast; network errors usually do within seconds.
      const cap = e.code === "forbidden" || e.code === "not_found" ? 60_000 : 3_000;
      const delay = Math.min(cap, 250 * 2 ** Math.min(failures - 1, 8));
      opts.log?.("reflector retry", { kind, group, delay, error: e.message });
      await sleep(delay, signal);
    }
  }
}
