import { AppDocument, type AppSpec } from "@meridian/core";
import { parse, stringify } from "yaml";
import type { FieldErrors } from "../api/errors";

/**
 * The app document as YAML, in the browser: written like `meridian export` writes it (the same library), and
 * read back for the spec editor and the wizard's review. Only the app chunks load this library.
 */

export function documentYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0 });
}

export type ParsedDocument = { ok: true; doc: AppDocument; raw: { metadata: { name: string; project: string; description?: string }; spec: Record<string, unknown> } } | { ok: false; message: string; fields: FieldErrors };

/** Parses and validates an app document; YAML syntax errors name their line, schema errors their path. */
export function parseDocument(text: string): ParsedDocument {
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    return { ok: false, message: `Not valid YAML: ${(err as Error).message.split("\n")[0]}`, fields: {} };
  }
  const r = AppDocument.safeParse(value);
  if (!r.success) {
    const fields: FieldErrors = {};
    for (const i of r.error.issues) {
      const k = i.path.map(String).join(".");
      if (!(k in fields)) fields[k] = i.message;
    }
    const lines = Object.entries(fields).map(([k, m]) => `${k || "document"}: ${m}`);
    return { ok: false, message: `The document does not describe a valid app — ${lines.slice(0, 4).join("; ")}${lines.length > 4 ? ` (and ${lines.length - 4} more)` : ""}`, fields };
  }
  // Send what the person wrote (defaults are filled by the server), validated above.
  return { ok: true, doc: r.data, raw: value as never };
}

export function specOfRaw(raw: { spec: Record<string, unknown> }): AppSpec {
  return raw.spec as unknown as AppSpec;
}
