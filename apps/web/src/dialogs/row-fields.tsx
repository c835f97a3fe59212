import type { ReactNode } from "react";
import type { FieldErrors } from "../api/errors";
import type { LabelRow } from "../clusters/policy-draft";
import { Button } from "../ui/button";

/**
 * A list of similar rows (labels, rules, subjects, ports) with Add and per-row Remove. Errors are looked up
 * as `${name}.${index}` (the whole row) and `${name}` (the list); the row renderer shows its own fields'.
 */
export function RowList<T extends { id: number }>({
  name,
  legend,
  hint,
  rows,
  onChange,
  create,
  addLabel,
  errors,
  min = 0,
  empty,
  rowLabel,
  children,
}: {
  name: string;
  legend: string;
  hint?: ReactNode;
  rows: readonly T[];
  onChange: (rows: T[]) => void;
  create: () => T;
  addLabel: string;
  errors: FieldErrors;
  /** Rows that cannot be removed (a Role needs a rule). */
  min?: number;
  /** Shown when there are no rows: what none means. */
  empty?: ReactNode;
  /** Names each row as a group for assistive tech ("Rule 2"), where a row holds several labelled fields. */
  rowLabel?: string;
  children: (row: T, update: (patch: Partial<T>) => void, index: number) => ReactNode;
}) {
  const listError = errors[name];
  return (
    <fieldset className="row-list" data-rows={name}>
      <legend>{legend}</legend>
      {hint ? <div className="field-hint">{hint}</div> : null}
      {rows.length === 0 && empty ? <div className="row-list-empty muted small">{empty}</div> : null}
      {rows.map((row, i) => (
        <div key={row.id} className="row-list-item" data-row={i} role={rowLabel ? "group" : undefined} aria-label={rowLabel ? `${rowLabel} ${i + 1}` : undefined}>
          <div className="row-list-fields">{children(row, (patch) => onChange(rows.map((r) => (r.id === row.id ? { ...r, ...patch } : r))), i)}</div>
          <Button
            size="sm"
            variant="ghost"
            className="row-remove"
            aria-label={`Remove ${legend.toLowerCase()} row ${i + 1}`}
            disabled={rows.length <= min}
            onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
          >
            ×
          </Button>
          {errors[`${name}.${i}`] ? (
            <div className="field-error row-list-error" role="alert">
              {errors[`${name}.${i}`]}
            </div>
          ) : null}
        </div>
      ))}
      {listError ? (
        <div className="field-error" role="alert">
          {listError}
        </div>
      ) : null}
      <div>
        <Button size="sm" onClick={() => onChange([...rows, create()])}>
          + {addLabel}
        </Button>
      </div>
    </fieldset>
  );
}

/** key=value rows: namespace labels, a NetworkPolicy's pod selector. */
export function LabelRows({ name, legend, hint, rows, onChange, create, errors, empty }: { name: string; legend: string; hint?: ReactNode; rows: readonly LabelRow[]; onChange: (rows: LabelRow[]) => void; create: () => LabelRow; errors: FieldErrors; empty?: ReactNode }) {
  return (
    <RowList name={name} legend={legend} hint={hint} rows={rows} onChange={onChange} create={create} addLabel="Add label" errors={errors} empty={empty}>
      {(row, update, i) => {
        const invalid = errors[`${name}.${i}`] ? true : undefined;
        return (
          <>
            <input className="input mono" aria-label={`${legend} key ${i + 1}`} placeholder="key" value={row.key} aria-invalid={invalid} onChange={(e) => update({ key: e.currentTarget.value })} />
            <span className="row-eq" aria-hidden>
              =
            </span>
            <input className="input mono" aria-label={`${legend} value ${i + 1}`} placeholder="value" value={row.value} aria-invalid={invalid} onChange={(e) => update({ value: e.currentTarget.value })} />
          </>
        );
      }}
    </RowList>
  );
}
