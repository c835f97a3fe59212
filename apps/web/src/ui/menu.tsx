import { type ReactNode, useEffect, useRef, useState } from "react";

/** A button that opens a small popover menu; outside click, Escape or choosing an item closes it. */
export function Menu({ trigger, label, children, align = "start", className }: { trigger: ReactNode; label: string; children: (close: () => void) => ReactNode; align?: "start" | "end"; className?: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  return (
    <div className={`menu ${className ?? ""}`} ref={ref}>
      <button type="button" className="menu-trigger" aria-haspopup="menu" aria-expanded={open} aria-label={label} onClick={() => setOpen((o) => !o)}>
        {trigger}
      </button>
      {open ? (
        <div className={`menu-popover menu-${align}`} role="menu">
          {children(() => setOpen(false))}
        </div>
      ) : null}
    </div>
  );
}

export function MenuItem({ children, onSelect, disabled, title, active }: { children: ReactNode; onSelect: () => void; disabled?: boolean; title?: string; active?: boolean }) {
  return (
    <button type="button" role="menuitem" className={`menu-item${active ? " active" : ""}`} disabled={disabled} title={title} onClick={onSelect}>
      {children}
    </button>
  );
}
