import { useEffect, useRef } from "react";
import { type ActionContext, actionState, type GlobalAction } from "./registry";

function keyName(e: KeyboardEvent): string {
  const mod = e.metaKey || e.ctrlKey ? "mod+" : "";
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key.toLowerCase();
  return `${mod}${key === "?" ? "?" : key}`;
}

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

/**
 * Binds every action's `shortcut` (single keys, chords like "mod+k", sequences like "g p").
 * Plain keys are ignored while typing in a field; chords with a modifier always work.
 */
export function useShortcuts(actions: readonly GlobalAction[], ctx: ActionContext, active: boolean): void {
  const buffer = useRef<string[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ actions, ctx });
  latest.current = { actions, ctx };
  useEffect(() => {
    if (!active) return;
    function onKey(e: KeyboardEvent) {
      if (["shift", "control", "meta", "alt"].includes(e.key.toLowerCase())) return;
      const name = keyName(e);
      const isChord = name.startsWith("mod+");
      if (!isChord && (typingIn(e.target) || e.altKey)) return;
      if (document.querySelector("[aria-modal=true]") && !isChord) return;
      buffer.current = [...buffer.current, name].slice(-3);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        buffer.current = [];
      }, 1200);
      const typed = buffer.current.join(" ");
      const { actions: list, ctx: c } = latest.current;
      const hit = list.find((a) => a.shortcut && (typed === a.shortcut || typed.endsWith(` ${a.shortcut}`)));
      if (hit) {
        e.preventDefault();
        buffer.current = [];
        const state = actionState(hit, c, undefined);
        if (state.enabled) void hit.perform(c, undefined);
        else c.notify("info", `${typeof hit.label === "string" ? hit.label : hit.id}: ${state.reason}`);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active]);
}
