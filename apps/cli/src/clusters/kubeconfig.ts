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
 * reads them. A file that cannot be read is left as a path and reported in `unreadable`: it only matters if
 * the chosen context uses it, and the server then names the problem. Text that is not YAML goes to the
 * server unchanged, which explains what is wrong with it.
 */
export interface UnreadableFile {
  section: "clusters" | "users";
  name: string;
  message: string;
}

export function inlineKubeconfigFiles(text: string, kubeconfigPath: string, read: (path: string) => Buffer = readFileSync): { text: string; unreadable: UnreadableFile[] } {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return { text, unreadable: [] };
  }
  if (!doc || typeof doc !== "object") return { text, unreadable: [] };
  const dir = resolve(kubeconfigPath, "..");
  const unreadable: UnreadableFile[] = [];
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
        const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
        unreadable.push({ section: f.section, name: String(entry.name), message: `${f.file} of ${f.section.slice(0, -1)} "${String(entry.name)}" (${full}): ${why}` });
        continue;
      }
      inner[f.data] = f.base64 ? content.toString("base64") : content.toString("utf8").trim();
      delete inner[f.file];
      changed = true;
    }
  }
  return { text: changed ? stringifyYaml(doc) : text, unreadable };
}

export interface KubeconfigContextInfo {
  name: string;
  cluster: string;
  user: string;
  server: string | null;
  problem: string | null;
}

/** --context, else the current-context, else the only context; a clear error listing the contexts otherwise. */
export function chooseContext(
  info: { currentContext: string | null; contexts: KubeconfigContextInfo[] },
  wanted: string | undefined,
  file: string,
  unreadable: UnreadableFile[] = [],
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
    const own = unreadable.filter((u) => (u.section === "clusters" ? u.name === ctx.cluster : u.name === ctx.user)).map((u) => u.message);
    const files = own.length > 0 ? `; files it names that cannot be read here: ${own.join("; ")}` : "";
    throw new CliError(`context "${name}" in ${file} cannot be used: ${ctx.problem}${usable.length > 0 ? ` (usable contexts: ${usable.join(", ")})` : ""}${files}`);
  }
  return ctx;
}
