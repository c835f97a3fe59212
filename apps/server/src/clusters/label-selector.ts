import { AppError } from "@meridian/core";

/** A parsed Kubernetes label selector (equality- and set-based), matched against a label map. */
export type LabelMatcher = (labels: Record<string, string>) => boolean;

const keyRe = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function checkKey(k: string, term: string): string {
  if (!keyRe.test(k)) throw new AppError("invalid_input", `label selector: '${term}' has an invalid key '${k}'`);
  return k;
}

export function parseLabelSelector(selector: string): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const term of splitTerms(selector)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+?)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const key = checkKey(m[1] as string, term);
      const values = new Set((m[3] as string).split(",").map((v) => v.trim()).filter(Boolean));
      tests.push(m[2] === "in" ? (l) => l[key] !== undefined && values.has(l[key] as string) : (l) => l[key] === undefined || !values.has(l[key] as string));
    } else if ((m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(term))) {
      const key = checkKey(m[1] as string, term);
      const value = m[3] as string;
      tests.push(m[2] === "!=" ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((m = /^!\s*(\S+)$/.exec(term))) {
      const key = checkKey(m[1] as string, term);
      tests.push((l) => l[key] === undefined);
    } else if (keyRe.test(term)) {
      tests.push((l) => l[term] !== undefined);
    } else {
      throw new AppError("invalid_input", `label selector: cannot parse '${term}' (use a=b, a!=b, a in (x,y), a notin (x), a or !a)`, {
        details: { issues: [{ path: "query.selector", message: `cannot parse '${term}'` }] },
      });
    }
  }
  return (labels) => tests.every((t) => t(labels));
}
