import { percentOf } from "@meridian/core";

/** "requests vs capacity" as a thin bar with the numbers; amber above 80 %, red above 95 %. */
export function Meter({ label, used, capacity, format, unit = "", compact }: { label: string; used: number | undefined; capacity: number | undefined; format: (n: number) => string; unit?: string; compact?: boolean }) {
  const pct = percentOf(used, capacity);
  const tone = pct === null ? "none" : pct > 95 ? "danger" : pct > 80 ? "warning" : "ok";
  const text = capacity === undefined || !(capacity > 0) ? "no capacity reported" : `${format(used ?? 0)} / ${format(capacity)}${unit}`;
  return (
    <div className={`meter${compact ? " meter-compact" : ""}`} title={`${label}: ${text}${pct === null ? "" : ` (${pct}%)`}`}>
      <div className="meter-label">
        <span>{label}</span>
        <span className="muted">
          {text}
          {pct === null ? "" : ` · ${pct}%`}
        </span>
      </div>
      <div className="meter-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? 0} aria-valuetext={text}>
        <div className={`meter-fill meter-${tone}`} style={{ width: `${Math.min(100, pct ?? 0)}%` }} />
      </div>
    </div>
  );
}
