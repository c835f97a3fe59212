import { setMaxListeners } from "node:events";
import type { InventoryHandle, InventoryItem, InventorySink, InventoryStats } from "@meridian/core";
import type { KubeHttp } from "./kube-http.js";
import { runReflector } from "./reflector.js";
import { type ApiResource, builtinResources } from "./resources.js";

/**
 * Runs one reflector per built-in kind, plus one per custom resource kind: the CRD reflector's own items
 * tell which custom kinds exist, so CRDs added or removed later start or stop their reflectors.
 */
export function startKubeInventory(http: KubeHttp, sink: InventorySink, log?: (msg: string, extra?: object) => void): InventoryHandle {
  const stats: InventoryStats = { lists: 0, watches: 0, relists: 0, bookmarks: 0, events: 0 };
  const root = new AbortController();
  // Every reflector listens on this signal (and their requests and back-off timers do too).
  setMaxListeners(0, root.signal);
  const running: Promise<void>[] = [];
  const custom = new Map<string, { ctl: AbortController; done: Promise<void> }>();

  function start(resource: ApiResource, ctl: AbortController, s: InventorySink): Promise<void> {
    return runReflector({ http, resource, sink: s, stats, signal: ctl.signal, log }).catch((err: unknown) => log?.("reflector stopped", { kind: resource.kind, error: String(err) }));
  }

  function crdResource(item: InventoryItem): ApiResource | null {
    const s = item.summary;
    if (typeof s.group !== "string" || typeof s.kindName !== "string" || typeof s.plural !== "string" || typeof s.storageVersion !== "string") return null;
    return { kind: s.kindName, group: s.group, version: s.storageVersion, plural: s.plural, namespaced: s.scope === "Namespaced" };
  }

  function syncCustom(crds: Iterable<InventoryItem>) {
    const wanted = new Map<string, ApiResource>();
    for (const item of crds) {
      const res = crdResource(item);
      if (res && item.status === "Established") wanted.set(`${res.kind}.${res.group}/${res.version}`, res);
    }
    for (const [id, run] of custom) {
      if (!wanted.has(id)) {
        run.ctl.abort();
        custom.delete(id);
        const kind = id.slice(0, id.indexOf("."));
        const group = id.slice(id.indexOf(".") + 1, id.lastIndexOf("/"));
        sink.replace(kind, group, []);
      }
    }
    for (const [id, res] of wanted) {
      if (custom.has(id) || root.signal.aborted) continue;
      const ctl = new AbortController();
      setMaxListeners(0, ctl.signal);
      root.signal.addEventListener("abort", () => ctl.abort(), { once: true });
      custom.set(id, { ctl, done: start(res, ctl, sink) });
    }
  }

  // The CRD reflector's sink mirrors CRDs locally to drive the custom reflectors.
  const crds = new Map<string, InventoryItem>();
  const crdSink: InventorySink = {
    replace(kind, group, items) {
      crds.clear();
      for (const i of items) crds.set(i.key, i);
      sink.replace(kind, group, items);
      syncCustom(crds.values());
    },
    upsert(item) {
      crds.set(item.key, item);
      sink.upsert(item);
      syncCustom(crds.values());
    },
    remove(key) {
      crds.delete(key);
      sink.remove(key);
      syncCustom(crds.values());
    },
    state: (k, g, s) => sink.state(k, g, s),
  };

  for (const res of builtinResources) {
    running.push(start(res, root, res.kind === "CustomResourceDefinition" ? crdSink : sink));
  }

  return {
    stats: () => ({ ...stats }),
    async stop() {
      root.abort();
      await Promise.all([...running, ...[...custom.values()].map((c) => c.done)]);
    },
  };
}
