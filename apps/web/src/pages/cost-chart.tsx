import { type KeyboardEvent, type RefObject, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { type ChartModel, formatCompact, formatMoney, formatPeriod, type Granularity, OTHER_KEY, toNumber } from "../cost/explorer";

function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(800);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** 4-6 round ticks covering [min, max]. */
function niceTicks(min: number, max: number): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= 5) ?? 10 * mag;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const out: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) out.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return out;
}

export function seriesClass(key: string, keys: ChartModel["keys"]): string {
  if (key === OTHER_KEY) return "series-other";
  return `series-${keys.findIndex((k) => k.key === key) % 8}`;
}

/**
 * A stacked bar chart drawn as SVG: one bar per day or month, one segment per group (positive amounts up,
 * credits down). Hover or focus a bar (Tab, then arrow keys, Home, End) for its values.
 */
export function StackedBarChart({ model, granularity, metricLabel, groupLabel }: { model: ChartModel; granularity: Granularity; metricLabel: string; groupLabel: string }) {
  const [wrapRef, width] = useWidth<HTMLDivElement>();
  const [active, setActive] = useState<number | null>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const barRefs = useRef<(SVGGElement | null)[]>([]);
  const height = 280;
  const m = { top: 14, right: 12, bottom: 30, left: 64 };
  const innerW = Math.max(100, width - m.left - m.right);
  const innerH = height - m.top - m.bottom;
  const { bars, keys } = model;

  const { ticks, y } = useMemo(() => {
    let hi = 0;
    let lo = 0;
    for (const b of bars) {
      let pos = 0;
      let neg = 0;
      for (const s of b.segments) {
        const v = toNumber(s.value);
        if (v >= 0) pos += v;
        else neg += v;
      }
      hi = Math.max(hi, pos);
      lo = Math.min(lo, neg);
    }
    const ticks = niceTicks(lo, hi || 1);
    const t0 = ticks[0] ?? 0;
    const t1 = ticks[ticks.length - 1] ?? 1;
    const y = (v: number) => m.top + innerH - ((v - t0) / (t1 - t0 || 1)) * innerH;
    return { ticks, y };
  }, [bars, innerH, m.top]);

  useEffect(() => setFocusIndex((i) => Math.min(i, Math.max(0, bars.length - 1))), [bars.length]);

  const band = innerW / Math.max(1, bars.length);
  const barW = Math.max(2, Math.min(56, band * 0.72));
  const labelEvery = Math.max(1, Math.ceil(bars.length / Math.max(1, Math.floor(innerW / 64))));

  function onKey(e: KeyboardEvent, i: number) {
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? bars.length - 1 : e.key === "Escape" ? -2 : null;
    if (next === null) return;
    e.preventDefault();
    if (next === -2) return setActive(null);
    const n = Math.max(0, Math.min(bars.length - 1, next));
    setFocusIndex(n);
    barRefs.current[n]?.focus();
  }

  const activeBar = active === null ? undefined : bars[active];
  const tipLeft = active === null ? 0 : m.left + band * active + band / 2;
  const keyLabel = (k: string) => keys.find((g) => g.key === k)?.label ?? k;

  return (
    <div className="cost-chart" ref={wrapRef} data-testid="cost-chart">
      <svg width={width} height={height} role="group" aria-label={`${metricLabel} by ${groupLabel}, per ${granularity}`} className="cost-chart-svg">
        {ticks.map((t) => (
          <g key={t} className="chart-grid">
            <line x1={m.left} x2={m.left + innerW} y1={y(t)} y2={y(t)} className={t === 0 ? "chart-zero" : undefined} />
            <text x={m.left - 8} y={y(t)} dy="0.32em" textAnchor="end" className="chart-tick">
              {formatCompact(t)}
            </text>
          </g>
        ))}
        {bars.map((b, i) => {
          let up = 0;
          let down = 0;
          const x = m.left + band * i + (band - barW) / 2;
          return (
            <g
              key={b.period}
              ref={(el) => {
                barRefs.current[i] = el;
              }}
              className={`chart-bar${active === i ? " active" : ""}`}
              data-period={b.period}
              tabIndex={i === focusIndex ? 0 : -1}
              role="img"
              aria-label={`${formatPeriod(b.period, granularity)}: total ${formatMoney(b.total)}${b.segments.map((s) => `; ${keyLabel(s.key)} ${formatMoney(s.value)}`).join("")}`}
              onMouseEnter={() => setActive(i)}
              onMouseLeave={() => setActive((a) => (a === i ? null : a))}
              onFocus={() => {
                setFocusIndex(i);
                setActive(i);
              }}
              onBlur={() => setActive((a) => (a === i ? null : a))}
              onKeyDown={(e) => onKey(e, i)}
            >
              <rect className="chart-hit" x={m.left + band * i} y={m.top} width={band} height={innerH} />
              {b.segments.map((s) => {
                const v = toNumber(s.value);
                let y0: number;
                let y1: number;
                if (v >= 0) {
                  y0 = y(up + v);
                  y1 = y(up);
                  up += v;
                } else {
                  y0 = y(down);
                  y1 = y(down + v);
                  down += v;
                }
                return <rect key={s.key} x={x} y={y0} width={barW} height={Math.max(0.5, y1 - y0)} className={`chart-seg ${seriesClass(s.key, keys)}`} data-group={s.key} />;
              })}
              {i % labelEvery === 0 ? (
                <text x={m.left + band * i + band / 2} y={height - 10} textAnchor="middle" className="chart-tick">
                  {formatPeriod(b.period, granularity)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {activeBar ? (
        <div className={`chart-tooltip${tipLeft > width / 2 ? " left" : ""}`} style={{ left: tipLeft }} role="status" data-testid="chart-tooltip">
          <div className="chart-tooltip-title">{formatPeriod(activeBar.period, granularity)}</div>
          {activeBar.segments.length === 0 ? <div className="muted small">No cost</div> : null}
          {[...activeBar.segments].reverse().map((s) => (
            <div key={s.key} className="chart-tooltip-row">
              <span className={`swatch ${seriesClass(s.key, keys)}`} aria-hidden />
              <span className="chart-tooltip-label">{keyLabel(s.key)}</span>
              <span className="num">{formatMoney(s.value)}</span>
            </div>
          ))}
          <div className="chart-tooltip-row chart-tooltip-total">
            <span className="chart-tooltip-label">Total</span>
            <span className="num">{formatMoney(activeBar.total)}</span>
          </div>
        </div>
      ) : null}
      <ul className="chart-legend" aria-label="Legend">
        {keys.map((k) => (
          <li key={k.key}>
            <span className={`swatch ${seriesClass(k.key, keys)}`} aria-hidden />
            <span className="chart-legend-label" title={k.label}>
              {k.label}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
