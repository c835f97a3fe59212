import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { CliError } from "../errors.js";

type Entry = { name?: unknown; cluster?: Record<string, unknown>; user?: Record<string, unknown> };

// kubeconfig fields that name local files, and the inline field that carries the same content
const fileFields = [
  { section: "clusters", inner: "cluster", file: "certificate-authority", data: "certificate-authority-data", base64: true },
  { section: "users", inner: "user", file: "client-certificate", data: "client-certificate-data", base64: true },
  { section: "users", inner: "user", file: "client-key", data: "client-key-data", base64: true },
  { section: "users", inner: "user", file: "tokenFile", data: "token", base64: false },
] as const;

/**
 * The server cannot read files on this machine, so the CLI inlines the certificate, key and token files a
 * kubeconfig points to (as minikube and kind write them). Paths are relative to the kubeconfig, as kubectl
 * reads them. Text that is not YAML goes to the server unchanged, which explains what is wrong with it.
 */
export function inlineKubeconfigFiles(text: string, kubeconfigPath: string, read: (path: string) => Buffer = readFileSync): string {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return text;
  }
  if (!doc || typeof doc !== "object") return text;
  const dir = resolve(kubeconfigPath, "..");
  let changed = false;
  for (const f of fileFields) {
    const entries = (doc as Record<string, unknown>)[f.section];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as Entry[]) {
      const inner = entry?.[f.inner];
      const path = inner?.[f.file];
      if (!inner || typeof path !== "string" || path === "" || inner[f.data] !== undefined) continue;
      const full = isAbsolute(path) ? path : resolve(dir, path);
      let content: Buffer;
      try {
        content = read(full);
      } catch (err) {
        throw new CliError(`${kubeconfigPath}: ${f.file} of ${f.section.slice(0, -1)} "${String(entry.name)}" is ${full}, which cannot be read: ${(err as Error).message}`);
      }
      inner[f.data] = f.base64 ? content.toString("base64") : content.toString("utf8").trim();
      delete inner[f.file];
      changed = true;
    }
  }
  return changed ? stringifyYaml(doc) : text;
}

export interface KubeconfigContextInfo {
  name: string;
  server: string | null;
  problem: string | null;
}

/** --context, else the current-context, else the only context; a clear error listing the contexts otherwise. */
export function chooseContext(
  info: { currentContext: string | null; contexts: KubeconfigContextInfo[] },
  wanted: string | undefined,
  file: string,
): KubeconfigContextInfo {
  const names = info.contexts.map((c) => c.name);
  if (names.length === 0) throw new CliError(`${file} has no contexts`);
  const name = wanted ?? info.currentContext ?? (names.length === 1 ? names[0] : undefined);
  if (!name) throw new CliError(`${file} has several contexts and no current-context: pick one with --context (${names.join(", ")})`);
  const ctx = info.contexts.find((c) => c.name === name);
  if (!ctx) {
    const why = wanted ? `context "${name}" not found` : `its current-context "${name}" is not one of its contexts`;
    throw new CliError(`${file}: ${why}; contexts: ${names.join(", ")}`);
  }
  if (ctx.problem) {
    const usable = info.contexts.filter((c) => !c.problem).map((c) => c.name);
    throw new CliError(`context "${name}" in ${file} cannot be used: ${ctx.problem}${usable.length > 0 ? ` (usable contexts: ${usable.join(", ")})` : ""}`);
  }
  return ctx;
}
