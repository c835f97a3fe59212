import { type FormEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useId, useState } from "react";
import { errorMessage, type FieldErrors, fieldErrorsOf } from "../api/errors";
import { Alert } from "./feedback";

export function Field({ label, error, hint, children, id }: { label: string; error?: string; hint?: ReactNode; children: (id: string) => ReactNode; id?: string }) {
  const gen = useId();
  const fid = id ?? gen;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={fid}>{label}</label>
      {children(fid)}
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

export function TextField({ label, error, hint, ...rest }: { label: string; error?: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(id) => <input id={id} className="input" aria-invalid={error ? true : undefined} {...rest} />}
    </Field>
  );
}

export function TextAreaField({ label, error, hint, className, ...rest }: { label: string; error?: string; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(id) => <textarea id={id} className={`input textarea ${className ?? ""}`} aria-invalid={error ? true : undefined} {...rest} />}
    </Field>
  );
}

/** Reads a chosen file as text (kubeconfigs, PEM files); nothing is uploaded until the form is sent. */
export function FileTextButton({ label, onText, accept }: { label: string; onText: (text: string, name: string) => void; accept?: string }) {
  const id = useId();
  return (
    <label className="btn btn-sm file-btn" htmlFor={id}>
      {label}
      <input
        id={id}
        type="file"
        accept={accept}
        className="visually-hidden"
        onChange={async (e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          if (file) onText(await file.text(), file.name);
          input.value = "";
        }}
      />
    </label>
  );
}

export function SelectField({ label, error, hint, children, ...rest }: { label: string; error?: string; hint?: ReactNode; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(id) => (
        <select id={id} className="input" aria-invalid={error ? true : undefined} {...rest}>
          {children}
        </select>
      )}
    </Field>
  );
}

export function Checkbox({ label, checked, onChange, disabled, title }: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean; title?: string }) {
  return (
    <label className="checkbox" title={title}>
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span>{label}</span>
    </label>
  );
}

/**
 * Submission state for a form: keeps the input untouched on failure, maps server issues to fields and
 * shows the remaining message at the top of the form.
 */
export function useFormSubmit<T>(submit: () => Promise<T>, onDone?: (result: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  async function onSubmit(e?: FormEvent) {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const result = await submit();
      onDone?.(result);
    } catch (err) {
      setError(err);
      setFields(fieldErrorsOf(err));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, fields, onSubmit, setError };
}

export function FormError({ error, fields }: { error: unknown; fields?: FieldErrors }) {
  if (!error) return null;
  const fieldCount = fields ? Object.keys(fields).filter((k) => k !== "").length : 0;
  if (fieldCount === 0) return <Alert kind="error">{errorMessage(error)}</Alert>;
  // The per-field messages say what is wrong; the server's combined message stays available on hover.
  return (
    <div title={errorMessage(error)}>
      <Alert kind="error">Some values were not accepted — check the highlighted fields.</Alert>
    </div>
  );
}
