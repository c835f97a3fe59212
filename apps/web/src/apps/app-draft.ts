import { AppDocument, AppName, GitSource, ImageReference } from "@meridian/core";
import type { FieldErrors } from "../api/errors";

/**
 * The create-app wizard's state and how it becomes an app document. Validation is core's AppDocument schema,
 * the one the server applies, so what passes here is what the server takes (environment names aside, which
 * only the server knows).
 */

export type SourceKind = "image" | "git" | "template";

export interface EnvRow {
  id: number;
  key: string;
  value: string;
}

export interface AppDraft {
  source: SourceKind;
  image: string;
  gitUrl: string;
  gitRef: string;
  dockerfile: string;
  /** The template's expanded document, when the source is a template. */
  template: { id: string; name: string; document: Record<string, unknown> } | null;
  name: string;
  projectId: string;
  description: string;
  /** Empty: the app listens on no port (a worker). */
  port: string;
  replicas: string;
  env: EnvRow[];
}

let nextRow = 1;
export const envRow = (key = "", value = ""): EnvRow => ({ id: nextRow++, key, value });

export function emptyDraft(projectId = ""): AppDraft {
  return { source: "image", image: "", gitUrl: "", gitRef: "main", dockerfile: "Dockerfile", template: null, name: "", projectId, description: "", port: "8080", replicas: "1", env: [] };
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** Picks a template: its image, first port, replicas and env become the editable basics. */
export function applyTemplate(d: AppDraft, t: { id: string; name: string; document: Obj }): AppDraft {
  const spec = rec(t.document.spec);
  const ports = Array.isArray(spec.ports) ? (spec.ports as Obj[]) : [];
  const env = Object.entries(rec(spec.env)).map(([k, v]) => envRow(k, String(v)));
  return {
    ...d,
    source: "template",
    template: t,
    image: String(rec(spec.source).image ?? ""),
    port: ports[0]?.port !== undefined ? String(ports[0].port) : "",
    replicas: spec.replicas !== undefined ? String(spec.replicas) : "1",
    env,
    description: d.description || String(rec(t.document.metadata).description ?? ""),
    name: d.name || t.id,
  };
}

const intOr = (s: string, fallback: number) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s.trim() === "" ? fallback : Number.NaN);

/** The app document the wizard would create (input form: defaults are the server's to fill). */
export function draftToDocument(d: AppDraft, projectSlug: string): Obj {
  const base = d.source === "template" && d.template ? structuredClone(rec(d.template.document.spec)) : {};
  const source = d.source === "git" ? { git: { url: d.gitUrl.trim(), ref: d.gitRef.trim() || "main", dockerfile: d.dockerfile.trim() || "Dockerfile" } } : { image: d.image.trim() };
  const spec: Obj = { ...base, source };
  const port = d.port.trim();
  const oldPorts = Array.isArray(base.ports) ? (base.ports as Obj[]) : [];
  if (port === "") spec.ports = oldPorts.slice(1).length ? oldPorts.slice(1) : [];
  else {
    const first = oldPorts[0] ?? { name: "http", protocol: "http" };
    spec.ports = [{ ...first, port: intOr(port, 0) }, ...oldPorts.slice(1)];
  }
  if ((spec.ports as Obj[]).length === 0) {
    delete spec.ports;
    // Probes and routes of a template name its port: without a port they cannot stay.
    delete spec.health;
    delete spec.routes;
  }
  spec.replicas = intOr(d.replicas, 1);
  const env = Object.fromEntries(d.env.filter((r) => r.key.trim() !== "" || r.value !== "").map((r) => [r.key.trim(), r.value]));
  if (Object.keys(env).length) spec.env = env;
  else delete spec.env;
  const metadata: Obj = { name: d.name.trim(), project: projectSlug };
  if (d.description.trim()) metadata.description = d.description.trim();
  return { apiVersion: "meridian.dev/v1", kind: "App", metadata, spec };
}

function key(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/**
 * Field errors of a draft, keyed by the document path ("spec.source.image", "metadata.name", "spec.env.3" for
 * an env row). The source is checked on its own: a union's error ("invalid input") would not say what is wrong.
 */
export function validateDraft(d: AppDraft, projectSlug: string): FieldErrors {
  const out: FieldErrors = {};
  const put = (k: string, m: string) => {
    if (!(k in out)) out[k] = m;
  };
  if (!d.projectId) put("metadata.project", "Choose a project");
  const name = AppName.safeParse(d.name.trim());
  if (!name.success) put("metadata.name", d.name.trim() ? (name.error.issues[0]?.message ?? "Invalid name") : "Give the app a name");
  if (d.source === "git") {
    const g = GitSource.safeParse({ url: d.gitUrl.trim(), ref: d.gitRef.trim() || "main", dockerfile: d.dockerfile.trim() || "Dockerfile" });
    if (!g.success) for (const i of g.error.issues) put(`spec.source.git.${key(i.path)}`, d.gitUrl.trim() ? i.message : "Give the repository URL");
  } else {
    const img = ImageReference.safeParse(d.image.trim());
    if (!img.success) put("spec.source.image", d.image.trim() ? (img.error.issues[0]?.message ?? "Invalid image") : "Give an image reference");
  }
  const seen = new Set<string>();
  d.env.forEach((r, i) => {
    const k = r.key.trim();
    if (k === "" && r.value === "") return;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) put(`spec.env.${i}`, k ? `${k} is not a variable name: letters, digits and '_', not starting with a digit` : "Give the variable a name");
    else if (seen.has(k)) put(`spec.env.${i}`, `${k} is set twice`);
    seen.add(k);
  });
  const doc = AppDocument.safeParse(draftToDocument(d, projectSlug || "project"));
  if (!doc.success) {
    for (const i of doc.error.issues) {
      const k = key(i.path);
      if (k.startsWith("spec.source") || k === "metadata.name" || k.startsWith("spec.env")) continue;
      put(k, i.message);
    }
  }
  return out;
}

/** Server issues use the body's paths (`spec.…`, or `params.app` for the name): move them onto the wizard's fields. */
export function serverFieldErrors(fields: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(fields)) {
    const mapped = k === "params.app" || k === "app" ? "metadata.name" : k === "params.projectId" ? "metadata.project" : k;
    out[mapped] = v;
  }
  return out;
}

/** Which wizard step shows a field, so an error sends the person back to it. */
export function stepOfField(k: string): 0 | 1 | 2 {
  if (k.startsWith("spec.source")) return 0;
  if (k.startsWith("metadata") || k.startsWith("spec.ports") || k.startsWith("spec.replicas") || k.startsWith("spec.env")) return 1;
  return 2;
}
