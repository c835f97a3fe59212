import type { CallInput } from "@meridian/client";
import type { Me, Permission, RouteId, RouteResponse, Routes } from "@meridian/core";
import type { DialogRequest } from "../app/dialog-request";

/** What an action can see and do. Built once per render of the shell; pages receive the same object. */
export interface ActionContext {
  me: Me | undefined;
  /** Current organization slug, or null outside one. */
  orgId: string | null;
  can(p: Permission): boolean;
  navigate(path: string): void;
  open(dialog: DialogRequest): void;
  confirm(message: string, opts?: { confirmLabel?: string; danger?: boolean }): Promise<boolean>;
  /** Calls the API, refreshes active queries, reports success or the error as a toast. */
  run<K extends RouteId>(id: K, input: CallInput<Routes[K]>, success?: string): Promise<RouteResponse<Routes[K]> | undefined>;
  notify(kind: "success" | "error" | "info", text: string): void;
  togglePalette(): void;
  toggleHelp(): void;
  cycleTheme(): void;
  logout(): Promise<void>;
}

/**
 * One user command. Buttons, the command palette and keyboard shortcuts are all rendered from these.
 * `enabled` returns true, or false / a sentence saying why the command is unavailable.
 */
export interface Action<T = void> {
  id: string;
  label: string | ((target: T) => string);
  section: string;
  /** Space-separated key sequence, e.g. "g p", "mod+k", "?", "c". */
  shortcut?: string;
  keywords?: string;
  /** Organization-scope permission the command needs; used for permission-aware disabling. */
  requires?: Permission;
  needsOrg?: boolean;
  danger?: boolean;
  enabled?(ctx: ActionContext, target: T): boolean | string;
  perform(ctx: ActionContext, target: T): void | Promise<void>;
}

/** A command that needs no target: eligible for the palette and shortcuts. */
export type GlobalAction = Action<void>;

export interface ActionState {
  enabled: boolean;
  reason?: string;
}

export function actionState<T>(action: Action<T>, ctx: ActionContext, target: T): ActionState {
  if ((action.needsOrg || action.requires) && !ctx.orgId) return { enabled: false, reason: "Choose an organization first" };
  if (action.requires && !ctx.can(action.requires)) {
    return { enabled: false, reason: `Your role does not grant ${action.requires}` };
  }
  const own = action.enabled ? action.enabled(ctx, target) : true;
  if (own === true) return { enabled: true };
  return { enabled: false, reason: own === false ? "Not available here" : own };
}

export function actionLabel<T>(action: Action<T>, target: T): string {
  return typeof action.label === "function" ? action.label(target) : action.label;
}

export function formatShortcut(shortcut: string): string {
  const mac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
  return shortcut
    .split(" ")
    .map((k) => k.replace("mod+", mac ? "⌘" : "Ctrl+").replace("shift+", "⇧").toUpperCase())
    .join(" then ");
}
