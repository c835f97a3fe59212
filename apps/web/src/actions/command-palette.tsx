import { createPortal } from "react-dom";
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from "react";
import { useActionContext } from "./action-context";
import { actionLabel, actionState, formatShortcut, type GlobalAction } from "./registry";

function score(a: GlobalAction, q: string): number {
  if (!q) return 1;
  const hay = `${actionLabel(a, undefined)} ${a.keywords ?? ""} ${a.section}`.toLowerCase();
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.every((w) => hay.includes(w))) return 0;
  return actionLabel(a, undefined).toLowerCase().startsWith(words[0] ?? "") ? 2 : 1;
}

/** Ctrl/Cmd+K: every global action, filtered as you type; disabled ones stay visible with the reason. */
export function CommandPalette({ actions, onClose }: { actions: GlobalAction[]; onClose: () => void }) {
  const ctx = useActionContext();
  const [q, setQ] = useState("");
  const [index, setIndex] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const items = useMemo(
    () =>
      actions
        .map((a) => ({ a, s: score(a, q), state: actionState(a, ctx, undefined) }))
        .filter((x) => x.s > 0 && x.a.id !== "app.palette")
        .sort((x, y) => Number(y.state.enabled) - Number(x.state.enabled) || y.s - x.s),
    [actions, q, ctx],
  );
  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => setIndex(0), [q]);
  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${index}"]`)?.scrollIntoView({ block: "nearest" });
  }, [index]);

  function run(i: number) {
    const item = items[i];
    if (!item || !item.state.enabled) return;
    onClose();
    void item.a.perform(ctx, undefined);
  }
  function onKey(e: KeyboardEvent) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setIndex((i) => Math.min(items.length - 1, i + 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setIndex((i) => Math.max(0, i - 1));
    } else if (e.key === "Enter") {
      e.preventDefault();
      run(index);
    } else if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    }
  }

  return createPortal(
    <div className="backdrop backdrop-top" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={inputRef}
          className="palette-input"
          placeholder="Type a command or search…"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          onKeyDown={onKey}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={`palette-item-${index}`}
        />
        <ul className="palette-list" id="palette-list" role="listbox" ref={listRef}>
          {items.length === 0 ? <li className="palette-empty">No matching commands</li> : null}
          {items.map(({ a, state }, i) => (
            <li
              key={a.id}
              id={`palette-item-${i}`}
              data-index={i}
              role="option"
              aria-selected={i === index}
              aria-disabled={!state.enabled}
              className={`palette-item${i === index ? " active" : ""}${state.enabled ? "" : " disabled"}`}
              title={state.reason}
              onMouseEnter={() => setIndex(i)}
              onClick={() => run(i)}
            >
              <span className="palette-section">{a.section}</span>
              <span className="palette-label">{actionLabel(a, undefined)}</span>
              {!state.enabled ? <span className="palette-reason">{state.reason}</span> : null}
              {a.shortcut ? <kbd>{formatShortcut(a.shortcut)}</kbd> : null}
            </li>
          ))}
        </ul>
      </div>
    </div>,
    document.body,
  );
}

export function ShortcutsHelp({ actions }: { actions: GlobalAction[] }) {
  const withKeys = actions.filter((a) => a.shortcut);
  const sections = [...new Set(withKeys.map((a) => a.section))];
  return (
    <div className="shortcut-help">
      {sections.map((s) => (
        <section key={s}>
          <h3>{s}</h3>
          <dl>
            {withKeys
              .filter((a) => a.section === s)
              .map((a) => (
                <div key={a.id} className="shortcut-row">
                  <dt>{actionLabel(a, undefined)}</dt>
                  <dd>
                    <kbd>{formatShortcut(a.shortcut ?? "")}</kbd>
                  </dd>
                </div>
              ))}
          </dl>
        </section>
      ))}
    </div>
  );
}
