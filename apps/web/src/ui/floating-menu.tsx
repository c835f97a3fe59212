import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";

/**
 * A menu whose popover is portalled to <body> with fixed positioning, for triggers inside scrolling or
 * clipped containers (virtualized table rows). Focus moves to the first item; arrows move between items;
 * Escape, an outside click or scrolling closes it.
 */
export function FloatingMenu({ label, trigger, children }: { label: string; trigger: ReactNode; children: (close: () => void) => ReactNode }) {
  const [rect, setRect] = useState<DOMRect | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const pop = useRef<HTMLDivElement>(null);
  const close = () => setRect(null);
  useEffect(() => {
    if (!rect) return;
    pop.current?.querySelector<HTMLElement>("[role=menuitem]:not(:disabled)")?.focus();
    const onDown = (e: MouseEvent) => {
      if (!pop.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setRect(null);
    };
    const onScroll = (e: Event) => {
      if (!pop.current?.contains(e.target as Node)) setRect(null);
    };
    document.addEventListener("mousedown", onDown);
    window.addEventListener("scroll", onScroll, true);
    return () => {
      document.removeEventListener("mousedown", onDown);
      window.removeEventListener("scroll", onScroll, true);
    };
  }, [rect]);
  function onKey(e: KeyboardEvent) {
    e.stopPropagation();
    const items = [...(pop.current?.querySelectorAll<HTMLElement>("[role=menuitem]:not(:disabled)") ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === "Escape") {
      e.preventDefault();
      close();
      button.current?.focus();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[(i + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus();
    }
  }
  const below = rect ? window.innerHeight - rect.bottom > 260 : true;
  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-btn row-menu-trigger"
        aria-haspopup="menu"
        aria-expanded={!!rect}
        aria-label={label}
        onClick={(e) => {
          e.stopPropagation();
          setRect(rect ? null : e.currentTarget.getBoundingClientRect());
        }}
        onKeyDown={(e) => e.stopPropagation()}
      >
        {trigger}
      </button>
      {rect
        ? createPortal(
            <div
              ref={pop}
              className="menu-popover floating-menu"
              role="menu"
              aria-label={label}
              onKeyDown={onKey}
              // React events bubble through portals to the trigger's ancestors (a clickable row): stop here.
              onClick={(e) => e.stopPropagation()}
              style={{ position: "fixed", right: Math.max(8, window.innerWidth - rect.right), ...(below ? { top: rect.bottom + 4 } : { bottom: window.innerHeight - rect.top + 4 }) }}
            >
              {children(() => {
                close();
                button.current?.focus();
              })}
            </div>,
            document.body,
          )
        : null}
    </>
  );
}
