import { ApiError, type MeridianClient } from "@meridian/client";
import { AppSpec, canonicalJson } from "@meridian/core";
import { parseAllDocuments, stringify } from "yaml";
import { CliError } from "../errors.js";
import { resolveProjectId } from "../resolve.js";

/** An App document of an applied file, with where it was for error messages. */
export interface AppDocumentInput {
  name: string;
  project: string;
  description?: string;
  spec: unknown;
  /** "web.yaml, document 2" */
  where: string;
}

export interface SplitFile {
  apps: AppDocumentInput[];
  /** The other documents as YAML for the cluster path, or null when there are none. */
  rest: string | null;
}

const appNamePattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function checkAppDocument(o: Record<string, unknown>, where: string): AppDocumentInput {
  const problems: string[] = [];
  if (o.apiVersion !== "meridian.dev/v1") problems.push(`apiVersion: ${JSON.stringify(o.apiVersion)} is not known; this version of the CLI knows meridian.dev/v1`);
  if (o.kind !== "App") problems.push(`kind: ${JSON.stringify(o.kind)} is not a Meridian kind (App is)`);
  const extra = Object.keys(o).filter((k) => !["apiVersion", "kind", "metadata", "spec"].includes(k));
  if (extra.length > 0) problems.push(`${extra.join(", ")}: not a field of an App document (apiVersion, kind, metadata, spec)`);
  const m = (o.metadata ?? {}) as Record<string, unknown>;
  const name = m.name;
  if (typeof name !== "string" || name.length > 40 || !appNamePattern.test(name)) problems.push("metadata.name: lowercase letters, digits and '-', up to 40, starting and ending with a letter or digit");
  if (typeof m.project !== "string" || m.project === "") problems.push("metadata.project: the project's slug is required");
  if (m.description !== undefined && typeof m.description !== "string") problems.push("metadata.description: must be a string");
  const extraMeta = Object.keys(m).filter((k) => !["name", "project", "description"].includes(k));
  if (extraMeta.length > 0) problems.push(`metadata.${extraMeta[0]}: not a field of App metadata (name, project, description)`);
  if (!o.spec || typeof o.spec !== "object" || Array.isArray(o.spec)) problems.push("spec: required (an object)");
  const label = typeof name !== "string" ? "an App" : typeof m.project === "string" ? `app ${m.project}/${name}` : `app ${name}`;
  if (problems.length > 0) throw new CliError(`${label} (${where}) is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return { name: name as string, project: m.project as string, ...(typeof m.description === "string" ? { description: m.description } : {}), spec: o.spec, where };
}

/**
 * Separates Meridian App documents (apiVersion meridian.dev/…) from the cluster objects of a file. A file without
 * App documents is passed on untouched, so the cluster path (and its server-side YAML errors) stays as it was.
 * JSON from `meridian export -o json` (an object, or an array of them) is YAML too and is taken the same way.
 */
export function splitAppDocuments(yaml: string, source: string): SplitFile {
  const docs = parseAllDocuments(yaml);
  const list = Array.isArray(docs) ? docs : [docs];
  const broken = list.find((d) => d.errors.length > 0);
  if (broken) {
    if (!/meridian\.dev\//.test(yaml)) return { apps: [], rest: yaml };
    throw new CliError(`${source} is not valid YAML: ${broken.errors[0]?.message ?? "parse error"}`);
  }
  const apps: AppDocumentInput[] = [];
  const rest: string[] = [];
  for (const [i, doc] of list.entries()) {
    const value = doc.toJS() as unknown;
    const where = list.length > 1 ? `${source}, document ${i + 1}` : source;
    const items = Array.isArray(value) ? value : [value];
    for (const [j, item] of items.entries()) {
      if (item === null || item === undefined) continue;
      const o = item as Record<string, unknown>;
      const isApp = typeof o === "object" && typeof o.apiVersion === "string" && o.apiVersion.startsWith("meridian.dev/");
      if (isApp) apps.push(checkAppDocument(o, Array.isArray(value) ? `${where}, item ${j + 1}` : where));
      else rest.push(Array.isArray(value) ? stringify(item) : doc.toString());
    }
  }
  if (apps.length === 0) return { apps: [], rest: yaml };
  return { apps, rest: rest.length > 0 ? rest.join("---\n") : null };
}

/** A unified-style line diff of two small texts (app specs are tens of lines: plain LCS is enough). */
export function lineDiff(before: string, after: string, label: string): string {
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after.replace(/\n$/, "").split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) (lcs[i] as number[])[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, lcs[i]?.[j + 1] ?? 0);
  const out = [`--- ${label} (server)`, `+++ ${label} (file)`];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) out.push(`-${a[i++]}`);
    else out.push(`+${b[j++]}`);
  }
  return `${out.join("\n")}\n`;
}

export interface AppApplyResult {
  kind: "App";
  namespace: string;
  name: string;
  action: "created" | "configured" | "unchanged";
  diff: string;
}

/** Puts each App document (or, on a dry run, says what putting it would do). */
export async function applyAppDocuments(client: MeridianClient, orgId: string, apps: readonly AppDocumentInput[], dryRun: boolean): Promise<AppApplyResult[]> {
  const projects = new Map<string, string>();
  const results: AppApplyResult[] = [];
  for (const doc of apps) {
    const label = `app ${doc.project}/${doc.name}`;
    let projectId = projects.get(doc.project);
    if (!projectId) {
      try {
        projectId = await resolveProjectId(client, orgId, doc.project);
      } catch (err) {
        throw new CliError(`${label} (${doc.where}): metadata.project: ${(err as Error).message}`);
      }
      projects.set(doc.project, projectId);
    }
    const params = { orgId, projectId, app: doc.name };
    const before = await client.call("getApp", { params }).catch((err: unknown) => {
      if ((err as { code?: string }).code === "not_found") return null;
      throw err;
    });
    if (dryRun) {
      // The server has no dry run for apps: check the spec here with the same schema, and compare.
      const parsed = AppSpec.safeParse(doc.spec);
      if (!parsed.success) throw invalid(label, doc.where, parsed.error.issues.map((i) => ({ path: ["spec", ...i.path.map(String)].join("."), message: i.message })));
      const same = before !== null && canonicalJson(before.spec) === canonicalJson(parsed.data) && (doc.description === undefined || doc.description === before.description);
      const diff = same ? "" : lineDiff(before ? stringify(before.spec) : "", stringify(parsed.data), `${doc.project}/${doc.name}`);
      results.push({ kind: "App", namespace: doc.project, name: doc.name, action: before === null ? "created" : same ? "unchanged" : "configured", diff });
      continue;
    }
    let after: Awaited<ReturnType<typeof client.call<"putApp">>>;
    try {
      after = await client.call("putApp", { params, body: { spec: doc.spec as never, ...(doc.description !== undefined ? { description: doc.description } : {}) } });
    } catch (err) {
      if (err instanceof ApiError && err.code === "invalid_input") throw invalid(label, doc.where, issuesOf(err), err.message);
      // apply is last-write-wins and sends no expectedSpecVersion; a conflict (a server rule) still names the document.
      if (err instanceof ApiError && err.code === "conflict") throw new CliError(`${label} (${doc.where}): ${err.message}`);
      throw err;
    }
    const action = after.created ? "created" : before && after.specVersion === before.specVersion ? "unchanged" : "configured";
    const diff = action === "unchanged" ? "" : lineDiff(before ? stringify(before.spec) : "", stringify(after.spec), `${doc.project}/${doc.name}`);
    results.push({ kind: "App", namespace: after.projectSlug, name: after.name, action, diff });
  }
  return results;
}

function issuesOf(err: ApiError): { path: string; message: string }[] {
  const issues = (err.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((i: { path?: unknown; message?: unknown }) => ({
    path: (Array.isArray(i.path) ? i.path.join(".") : String(i.path ?? "")).replace(/^body\./, ""),
    message: String(i.message ?? "invalid"),
  }));
}

function invalid(label: string, where: string, issues: { path: string; message: string }[], fallback?: string): CliError {
  const lines = issues.length > 0 ? issues.map((i) => `  - ${i.path ? `${i.path}: ` : ""}${i.message}`) : [`  - ${fallback ?? "invalid"}`];
  return new CliError(`${label} (${where}) is invalid:\n${lines.join("\n")}`);
}
