import type { ReactNode } from "react";
import type { FieldErrors } from "../api/errors";
import type { PolicyDraft, TextKey } from "../clusters/policy-draft";
import { TextField } from "../ui/form";

/** What every kind's fields get: the draft, a setter (which also marks the field as touched), visible errors. */
export interface PolicyFieldsProps {
  draft: PolicyDraft;
  set: <K extends keyof PolicyDraft>(key: K, value: PolicyDraft[K]) => void;
  errors: FieldErrors;
  /** The cluster's namespaces, offered while typing one. */
  namespaces: readonly string[];
}

export function DraftText({ p, k, label, hint, placeholder, autoFocus, list }: { p: PolicyFieldsProps; k: TextKey; label: string; hint?: ReactNode; placeholder?: string; autoFocus?: boolean; list?: string }) {
  return (
    <TextField
      label={label}
      className="input mono"
      value={p.draft[k]}
      onChange={(e) => p.set(k, e.currentTarget.value)}
      error={p.errors[k]}
      hint={hint}
      placeholder={placeholder}
      list={list}
      spellCheck={false}
      autoComplete="off"
      data-autofocus={autoFocus || undefined}
    />
  );
}

