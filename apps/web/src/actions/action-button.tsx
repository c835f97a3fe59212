import { type ActionContext, type Action, actionLabel, actionState } from "./registry";
import { Button, type ButtonProps } from "../ui/button";
import { useActionContext } from "./action-context";
import { useState } from "react";

interface Props<T> {
  action: Action<T>;
  target?: T;
  variant?: ButtonProps["variant"];
  size?: ButtonProps["size"];
  label?: string;
}

/** A button rendered from an action: same label, same enabling rule, reason shown as a tooltip. */
export function ActionButton<T>({ action, target, variant, size, label }: Props<T>) {
  const ctx: ActionContext = useActionContext();
  const [busy, setBusy] = useState(false);
  const state = actionState(action, ctx, target as T);
  const text = label ?? actionLabel(action, target as T);
  async function onClick() {
    setBusy(true);
    try {
      await action.perform(ctx, target as T);
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="tip-wrap" title={state.enabled ? undefined : state.reason}>
      <Button
        variant={variant ?? (action.danger ? "danger" : "secondary")}
        size={size}
        disabled={!state.enabled}
        aria-disabled={!state.enabled || undefined}
        busy={busy}
        className={action.danger && variant === "ghost" ? "btn-danger-text" : undefined}
        onClick={onClick}
        data-action={action.id}
        aria-label={label !== undefined && label !== actionLabel(action, target as T) ? actionLabel(action, target as T) : undefined}
      >
        {text}
      </Button>
    </span>
  );
}
