import { type KeyboardEvent, useRef } from "react";

/** A tab list with arrow-key, Home and End navigation (WAI-ARIA tabs); the caller renders the panel. */
export function Tabs<T extends string>({ tabs, value, onChange, label }: { tabs: readonly { id: T; label: string; disabled?: boolean }[]; value: T; onChange: (id: T) => void; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const enabled = tabs.filter((t) => !t.disabled);
  function onKey(e: KeyboardEvent) {
    const i = enabled.findIndex((t) => t.id === value);
    const next = e.key === "ArrowRight" ? enabled[(i + 1) % enabled.length] : e.key === "ArrowLeft" ? enabled[(i - 1 + enabled.length) % enabled.length] : e.key === "Home" ? enabled[0] : e.key === "End" ? enabled[enabled.length - 1] : undefined;
    if (!next) return;
    e.preventDefault();
    onChange(next.id);
    ref.current?.querySelector<HTMLElement>(`[data-tab="${next.id}"]`)?.focus();
  }
  return (
    <div className="tabs" role="tablist" aria-label={label} ref={ref} onKeyDown={onKey}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          data-tab={t.id}
          className="tab"
          aria-selected={t.id === value}
          tabIndex={t.id === value ? 0 : -1}
          disabled={t.disabled}
          onClick={() => onChange(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
