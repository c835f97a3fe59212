import type { Cluster } from "@meridian/core";
import { useEffect, useState } from "react";
import { kindGroups } from "../clusters/kinds";
import type { ResourcesSearch } from "../clusters/search";
import { useDebounced } from "../ui/use-debounced";

export interface CustomKind {
  kind: string;
  group: string;
  /** group/version for getResource. */
  apiVersion: string;
}

const kindValue = (kind: string, group?: string) => (group ? `${kind}|${group}` : kind);

/**
 * The browser's filter bar. Text inputs are debounced into the URL (the page's state); selects apply at
 * once. Typing in a field never loses focus because the inputs keep local drafts.
 */
export function ResourceFilters({
  search,
  onChange,
  clusters,
  customKinds,
  namespaces,
}: {
  search: ResourcesSearch & { kind: string };
  onChange: (patch: Partial<ResourcesSearch>) => void;
  clusters: Cluster[];
  customKinds: CustomKind[];
  namespaces: string[];
}) {
  const [draft, setDraft] = useState({ q: search.q ?? "", selector: search.selector ?? "", namespace: search.namespace ?? "", status: search.status ?? "" });
  const debounced = useDebounced(draft, 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled draft is pushed to the URL
  useEffect(() => {
    const patch: Partial<ResourcesSearch> = {};
    for (const k of ["q", "selector", "namespace", "status"] as const) {
      const v = debounced[k].trim() || undefined;
      if (v !== search[k]) patch[k] = v;
    }
    if (Object.keys(patch).length) onChange(patch);
  }, [debounced]);
  // Back/forward: show the URL's values.
  const urlKey = `${search.q}|${search.selector}|${search.namespace}|${search.status}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the URL values on purpose
  useEffect(() => {
    setDraft((d) => {
      const next = { q: search.q ?? "", selector: search.selector ?? "", namespace: search.namespace ?? "", status: search.status ?? "" };
      return (["q", "selector", "namespace", "status"] as const).every((k) => d[k].trim() === next[k]) ? d : next;
    });
  }, [urlKey]);
  const set = (k: keyof typeof draft) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [k]: value }));
  };
  const swarmOnly = clusters.length > 0 && clusters.every((c) => c.runtime === "swarm");
  return (
    <form className="filters resource-filters" aria-label="Resource filters" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="rf-kind">Kind</label>
        <select
          id="rf-kind"
          className="input"
          value={kindValue(search.kind, search.group)}
          onChange={(e) => {
            const [kind, group] = e.currentTarget.value.split("|");
            onChange({ kind, group: group || undefined, sort: undefined });
          }}
        >
          {kindGroups.map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.kinds.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </optgroup>
          ))}
          {customKinds.length ? (
            <optgroup label="Custom resources">
              {customKinds.map((k) => (
                <option key={`${k.group}/${k.kind}`} value={kindValue(k.kind, k.group)}>
                  {k.kind} ({k.group})
                </option>
              ))}
            </optgroup>
          ) : null}
          {search.group && !customKinds.some((k) => k.kind === search.kind && k.group === search.group) ? <option value={kindValue(search.kind, search.group)}>{search.kind}</option> : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rf-cluster">Cluster</label>
        <select id="rf-cluster" className="input" value={search.cluster ?? ""} onChange={(e) => onChange({ cluster: e.currentTarget.value || undefined })}>
          <option value="">All clusters</option>
          {clusters.map((c) => (
            <option key={c.id} value={c.slug}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rf-namespace">{swarmOnly ? "Stack" : "Namespace"}</label>
        <input id="rf-namespace" className="input" list="rf-namespaces" placeholder="all" value={draft.namespace} onChange={set("namespace")} />
        <datalist id="rf-namespaces">
          {namespaces.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor="rf-selector">Label selector</label>
        <input id="rf-selector" className="input mono" placeholder="app=web,tier!=db" value={draft.selector} onChange={set("selector")} spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor="rf-status">Status</label>
        <input id="rf-status" className="input" placeholder="Running,Pending" value={draft.status} onChange={set("status")} />
      </div>
      <div className="field">
        <label htmlFor="rf-q">Search</label>
        <input id="rf-q" type="search" className="input" placeholder="name, namespace or status ( / )" value={draft.q} onChange={set("q")} />
      </div>
    </form>
  );
}
