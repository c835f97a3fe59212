import type { CostPeriod, CostQueryResult } from "@meridian/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { useActionContext } from "../actions/action-context";
import { api } from "../api/client";
import { errorMessage } from "../api/errors";
import { apiKey, useApiQuery } from "../api/hooks";
import { useOrgId } from "../app/use-org-id";
import {
  addDays,
  chartModel,
  type CostFilter,
  defaultGranularity,
  dimensionLabel,
  filterProblem,
  filterString,
  formatDecimal,
  formatMoney,
  formatPeriod,
  formatShare,
  type Granularity,
  groupDimensions,
  groupTotals,
  type Metric,
  metrics,
  OTHER_KEY,
  parseDecimal,
  presetRange,
  type RangePreset,
  rangePresets,
  type SortKey,
  sortGroups,
  toNumber,
} from "../cost/explorer";
import { CostImportDialog } from "../dialogs/cost-import-dialog";
import { PageHeader } from "../resources/resource-list";
import { Button } from "../ui/button";
import { Alert, EmptyState, ErrorState, Spinner } from "../ui/feedback";
import { useDebounced } from "../ui/use-debounced";
import { seriesClass, StackedBarChart } from "./cost-chart";

const TAG = "__tag";
const NONE = "__none";

/** Cost explorer over the imported FOCUS bills, the import dialog, and what is loaded. */
export function CostPage() {
  const orgId = useOrgId();
  const ctx = useActionContext();
  const canImport = ctx.can("cost:create");
  const [importing, setImporting] = useState(false);
  const periods = useApiQuery("listCostImports", { params: { orgId } });
  const items = periods.data?.items ?? [];

  const importButton = (
    <Button variant="primary" onClick={() => setImporting(true)} disabled={!canImport} title={canImport ? undefined : "Your role does not grant cost:create"}>
      Import a FOCUS bill
    </Button>
  );

  return (
    <section className="cost-page">
      <PageHeader title="Cost" description="Cloud bills in FOCUS 1.2: explore spend by service, provider, region, account or tag." actions={items.length > 0 ? importButton : undefined} />
      {periods.isLoading ? (
        <Spinner />
      ) : periods.error ? (
        <ErrorState error={periods.error} onRetry={() => void periods.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          title="No bills imported yet"
          body="Import a bill in the FinOps FOCUS format (CSV or Parquet; AWS CUR and Azure EA exports are converted) to see where the money goes."
          action={canImport ? importButton : <span className="muted small">Ask someone with the cost:create permission to import one.</span>}
        />
      ) : (
        <>
          <Explorer orgId={orgId} loaded={items} onImport={canImport ? () => setImporting(true) : undefined} />
          <LoadedData items={items} />
        </>
      )}
      {importing ? <CostImportDialog orgId={orgId} onClose={() => setImporting(false)} /> : null}
    </section>
  );
}

function Explorer({ orgId, loaded, onImport }: { orgId: string; loaded: CostPeriod[]; onImport?: () => void }) {
  const ctx = useActionContext();
  const ids = { range: useId(), from: useId(), to: useId(), group: useId(), tag: useId(), metric: useId(), fdim: useId(), ftag: useId(), fval: useId() };
  const [preset, setPreset] = useState<RangePreset>("loaded");
  const initial = presetRange("loaded", new Date(), loaded);
  const [custom, setCustom] = useState({ from: initial.from, to: addDays(initial.to, -1) });
  const [group, setGroup] = useState<string>("ServiceName");
  const [tagKey, setTagKey] = useState("");
  const [metric, setMetric] = useState<Metric>("EffectiveCost");
  const [granularityChoice, setGranularity] = useState<Granularity | null>(null);
  const [filters, setFilters] = useState<CostFilter[]>([]);
  const [draft, setDraft] = useState<{ dimension: string; tag: string; value: string }>({ dimension: "ProviderName", tag: "", value: "" });
  const [draftError, setDraftError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; dir: "asc" | "desc" }>({ key: "total", dir: "desc" });
  const [exporting, setExporting] = useState(false);

  const range = preset === "custom" ? { from: custom.from, to: custom.to ? addDays(custom.to, 1) : "" } : presetRange(preset, new Date(), loaded);
  const rangeError = preset === "custom" && (!/^\d{4}-\d\d-\d\d$/.test(range.from) || !/^\d{4}-\d\d-\d\d$/.test(range.to) ? "Pick both dates" : range.from >= range.to ? "The start must be before the end" : null);
  const granularity = granularityChoice ?? defaultGranularity(range.from, range.to);
  const debouncedTag = useDebounced(tagKey.trim(), 350);
  const groupBy = group === NONE ? undefined : group === TAG ? (debouncedTag ? `tag:${debouncedTag}` : undefined) : group;
  const tagMissing = group === TAG && !debouncedTag;

  const query = { from: range.from, to: range.to, metric, granularity, ...(groupBy ? { groupBy } : {}), ...(filterString(filters) ? { filter: filterString(filters) } : {}) };
  const input = { params: { orgId }, query };
  const result = useQuery({
    queryKey: apiKey("queryCost", input),
    queryFn: () => api.call("queryCost", input),
    enabled: !rangeError && !tagMissing,
    placeholderData: keepPreviousData,
  });
  const data = result.data;
  const metricLabel = metrics.find((m) => m.id === metric)?.label ?? metric;
  const groupLabel = groupBy ? dimensionLabel(groupBy) : "total";

  async function exportCsv() {
    setExporting(true);
    try {
      const res = await api.raw("exportCost", input);
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `cost-${orgId}-${range.from}-to-${addDays(range.to, -1)}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      ctx.notify("success", "Exported CSV");
    } catch (err) {
      ctx.notify("error", errorMessage(err));
    } finally {
      setExporting(false);
    }
  }

  function addFilter() {
    const dimension = draft.dimension === TAG ? `tag:${draft.tag.trim()}` : draft.dimension;
    const f = { dimension, value: draft.value.trim() };
    const problem = draft.dimension === TAG && !draft.tag.trim() ? "Give the tag key" : !f.value ? "Give a value" : filterProblem(f);
    if (problem) return setDraftError(problem);
    setDraftError(null);
    if (!filters.some((x) => x.dimension === f.dimension && x.value === f.value)) setFilters([...filters, f]);
    setDraft({ ...draft, value: "" });
  }

  return (
    <div className="card cost-explorer" aria-labelledby="explorer-title">
      <div className="cost-explorer-head">
        <h2 id="explorer-title">Explorer</h2>
        <div className="page-actions">
          <Button onClick={() => void exportCsv()} busy={exporting} disabled={!data || !!rangeError || tagMissing}>
            Export CSV
          </Button>
        </div>
      </div>
      <div className="cost-controls">
        <div className="field">
          <label htmlFor={ids.range}>Time range</label>
          <select id={ids.range} className="input" value={preset} onChange={(e) => setPreset(e.currentTarget.value as RangePreset)}>
            {rangePresets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        {preset === "custom" ? (
          <>
            <div className="field">
              <label htmlFor={ids.from}>From</label>
              <input id={ids.from} type="date" className="input" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })} aria-invalid={rangeError ? true : undefined} />
            </div>
            <div className="field">
              <label htmlFor={ids.to}>To (inclusive)</label>
              <input id={ids.to} type="date" className="input" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })} aria-invalid={rangeError ? true : undefined} />
            </div>
          </>
        ) : null}
        <div className="field">
          <label htmlFor={ids.group}>Group by</label>
          <select id={ids.group} className="input" value={group} onChange={(e) => setGroup(e.currentTarget.value)}>
            {groupDimensions.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
            <option value={TAG}>Tag…</option>
            <option value={NONE}>Nothing (total)</option>
          </select>
        </div>
        {group === TAG ? (
          <div className="field">
            <label htmlFor={ids.tag}>Tag key</label>
            <input id={ids.tag} className="input" value={tagKey} placeholder="env" onChange={(e) => setTagKey(e.currentTarget.value)} autoComplete="off" />
          </div>
        ) : null}
        <fieldset className="field segmented-field">
          <legend>Granularity</legend>
          <div className="segmented">
            {(["day", "month"] as const).map((g) => (
              <label key={g} className={granularity === g ? "checked" : undefined}>
                <input type="radio" name="cost-granularity" value={g} checked={granularity === g} onChange={() => setGranularity(g)} />
                {g === "day" ? "Day" : "Month"}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={ids.metric}>Metric</label>
          <select id={ids.metric} className="input" value={metric} onChange={(e) => setMetric(e.currentTarget.value as Metric)}>
            {metrics.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label} ({m.id})
              </option>
            ))}
          </select>
        </div>
      </div>
      <form
        className="cost-filters"
        onSubmit={(e) => {
          e.preventDefault();
          addFilter();
        }}
        aria-label="Filters"
      >
        <span className="cost-filters-title">Filters</span>
        {filters.map((f) => (
          <span key={`${f.dimension}=${f.value}`} className="filter-chip" data-filter={`${f.dimension}=${f.value}`}>
            <span>
              {dimensionLabel(f.dimension)} = <strong>{f.value}</strong>
            </span>
            <button type="button" className="icon-btn" aria-label={`Remove filter ${dimensionLabel(f.dimension)} = ${f.value}`} onClick={() => setFilters(filters.filter((x) => x !== f))}>
              ×
            </button>
          </span>
        ))}
        <label className="visually-hidden" htmlFor={ids.fdim}>
          Filter dimension
        </label>
        <select id={ids.fdim} className="input input-sm" value={draft.dimension} onChange={(e) => setDraft({ ...draft, dimension: e.currentTarget.value })}>
          {groupDimensions.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
          <option value={TAG}>Tag…</option>
        </select>
        {draft.dimension === TAG ? (
          <>
            <label className="visually-hidden" htmlFor={ids.ftag}>
              Filter tag key
            </label>
            <input id={ids.ftag} className="input input-sm" placeholder="tag key" value={draft.tag} onChange={(e) => setDraft({ ...draft, tag: e.currentTarget.value })} />
          </>
        ) : null}
        <label className="visually-hidden" htmlFor={ids.fval}>
          Filter value
        </label>
        <input id={ids.fval} className="input input-sm" placeholder="value, e.g. AWS" value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.currentTarget.value })} />
        <Button size="sm" type="submit">
          Add filter
        </Button>
        {draftError ? (
          <span className="field-error" role="alert">
            {draftError}
          </span>
        ) : null}
      </form>
      {rangeError ? <Alert kind="warning">{rangeError}</Alert> : null}
      {tagMissing ? <Alert kind="info">Type a tag key (for example env or team) to group by it.</Alert> : null}
      {result.error ? <ErrorState error={result.error} onRetry={() => void result.refetch()} /> : null}
      {!rangeError && !tagMissing && !result.error ? (
        result.isLoading || !data ? (
          <Spinner label="Querying…" />
        ) : (
          <ExplorerResult data={data} granularity={granularity} metricLabel={metricLabel} groupLabel={groupLabel} sort={sort} onSort={setSort} fetching={result.isFetching} onImport={onImport} onMetric={metric === "BilledCost" ? undefined : () => setMetric("BilledCost")} />
        )
      ) : null}
    </div>
  );
}

function ExplorerResult({
  data,
  granularity,
  metricLabel,
  groupLabel,
  sort,
  onSort,
  fetching,
  onImport,
  onMetric,
}: {
  data: CostQueryResult;
  granularity: Granularity;
  metricLabel: string;
  groupLabel: string;
  sort: { key: SortKey; dir: "asc" | "desc" };
  onSort: (s: { key: SortKey; dir: "asc" | "desc" }) => void;
  fetching: boolean;
  onImport?: () => void;
  onMetric?: () => void;
}) {
  const model = useMemo(() => chartModel(data, granularity), [data, granularity]);
  const groups = useMemo(() => sortGroups(groupTotals(data), sort.key, sort.dir), [data, sort]);
  const total = parseDecimal(data.total);
  const from = data.from.slice(0, 10);
  const toIncl = addDays(data.to.slice(0, 10), -1);
  if (data.total === null || data.series.length === 0) {
    return (
      <EmptyState
        title="No cost in this range"
        body={`Nothing matches from ${from} to ${toIncl}. Widen the time range (the loaded billing periods are listed below), remove a filter, or import another bill.`}
        action={onImport ? <Button onClick={onImport}>Import a FOCUS bill</Button> : undefined}
      />
    );
  }
  const sortButton = (key: SortKey, label: string) => {
    const activeSort = sort.key === key;
    return (
      <button type="button" className="sort-btn" onClick={() => onSort({ key, dir: activeSort ? (sort.dir === "asc" ? "desc" : "asc") : key === "total" ? "desc" : "asc" })}>
        {label}
        <span aria-hidden className="sort-arrow">
          {activeSort ? (sort.dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    );
  };
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.dir === "asc" ? "ascending" : "descending") : undefined);
  return (
    <div className={`cost-result${fetching ? " refreshing" : ""}`} aria-busy={fetching || undefined}>
      <p className="cost-summary">
        <span className="muted">
          {metricLabel} by {groupLabel}, {from} – {toIncl}
        </span>
        <span>
          Total <strong className="cost-total" data-testid="cost-total" data-cost={data.total ?? ""}>{formatMoney(data.total)}</strong>
        </span>
      </p>
      {total === 0n ? (
        <Alert kind="info">
          Every {metricLabel.toLowerCase()} in this range is zero — some bills leave a column at 0 (the FOCUS sample's AWS rows do for EffectiveCost).{" "}
          {onMetric ? (
            <Button size="sm" onClick={onMetric}>
              Show billed cost
            </Button>
          ) : null}
        </Alert>
      ) : null}
      {model.bars.some((b) => b.segments.length > 0) ? <StackedBarChart model={model} granularity={granularity} metricLabel={metricLabel} groupLabel={groupLabel} /> : null}
      <div className="table-wrap">
        <table className="table cost-table" aria-label={`${metricLabel} by ${groupLabel}`}>
          <thead>
            <tr>
              <th aria-sort={ariaSort("group")}>{sortButton("group", groupLabel === "total" ? "Group" : groupLabel)}</th>
              <th aria-sort={ariaSort("total")} className="num">
                {sortButton("total", metricLabel)}
              </th>
              <th className="num">Share</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => {
              const legendKey = model.keys.some((k) => k.key === g.key) ? g.key : OTHER_KEY;
              return (
                <tr key={g.key} data-group={g.key} data-cost={formatDecimal(g.total)}>
                  <td>
                    <span className="cost-group">
                      <span className={`swatch ${seriesClass(legendKey, model.keys)}`} aria-hidden />
                      <span className="cost-group-label">{g.label}</span>
                    </span>
                  </td>
                  <td className="num">{formatMoney(g.total)}</td>
                  <td className="num">
                    <span className="share">
                      <span className="share-track" aria-hidden>
                        <span className="share-bar" style={{ width: `${Math.max(0, Math.min(100, total === 0n ? 0 : (toNumber(g.total) / toNumber(total)) * 100))}%` }} />
                      </span>
                      <span className="share-pct">{formatShare(g.total, total)}</span>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">
                Total ({groups.length} group{groups.length === 1 ? "" : "s"})
              </th>
              <td className="num strong">{formatMoney(data.total)}</td>
              <td className="num">100%</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}

function LoadedData({ items }: { items: CostPeriod[] }) {
  const sorted = [...items].sort((a, b) => a.providerName.localeCompare(b.providerName) || a.billingAccountId.localeCompare(b.billingAccountId) || b.billingPeriodStart.localeCompare(a.billingPeriodStart));
  const providers = new Set(items.map((p) => p.providerName)).size;
  const accounts = new Set(items.map((p) => `${p.providerName}/${p.billingAccountId}`)).size;
  const months = new Set(items.map((p) => p.billingPeriodStart)).size;
  return (
    <section className="cost-loaded" aria-labelledby="loaded-title">
      <div className="section-head">
        <h2 id="loaded-title">Loaded data</h2>
        <span className="muted small" data-testid="loaded-summary">
          {providers} provider{providers === 1 ? "" : "s"} · {accounts} billing account{accounts === 1 ? "" : "s"} · {months} billing period{months === 1 ? "" : "s"}
        </span>
      </div>
      <div className="table-wrap">
        <table className="table responsive cost-loaded-table" aria-label="Loaded billing periods">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Billing account</th>
              <th>Billing period</th>
              <th className="num">Rows</th>
              <th className="num">Billed</th>
              <th className="num">Effective</th>
              <th className="num">List</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((p) => (
              <tr key={`${p.providerName}/${p.billingAccountId}/${p.billingPeriodStart}`} data-provider={p.providerName}>
                <td className="strong">{p.providerName}</td>
                <td className="mono">{p.billingAccountId}</td>
                <td>{formatPeriod(p.billingPeriodStart, "month")}</td>
                <td className="num">{p.rows.toLocaleString("en-US")}</td>
                <td className="num">{formatMoney(p.billedCost)}</td>
                <td className="num">{formatMoney(p.effectiveCost)}</td>
                <td className="num">{formatMoney(p.listCost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
