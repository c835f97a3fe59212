import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// STYLE.md §2: dependencies point inward. This reads every import of the source tree and checks the rules.
const root = join(import.meta.dirname, "..");

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listSources(p));
    else if (/\.(ts|tsx)$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => (m[1] ?? m[2]) as string);
}

const rules: { area: string; forbid: (spec: string, file: string) => string | null }[] = [
  {
    area: "packages/core/src",
    forbid: (s, f) => (s.startsWith("@meridian/") ? "core depends on no internal package" : s.startsWith("node:") && !f.endsWith(".test.ts") ? "core has no Node-only imports (the web UI uses it)" : null),
  },
  {
    area: "packages",
    // Relative imports are resolved: a package's own `apps/` folder (core's app model, the drivers' ClusterDriver) is fine.
    forbid: (s, f) => ((s.startsWith(".") && resolve(dirname(f), s).startsWith(`${join(root, "apps")}/`)) || /^@meridian\/(server|web|cli)(\/|$)/.test(s) ? "packages never import from apps" : null),
  },
  { area: "apps/web/src", forbid: (s) => (s.startsWith("@meridian/") && !["@meridian/core", "@meridian/client"].includes(s) ? "web talks to the server only through the client" : null) },
  {
    area: "apps/cli/src",
    forbid: (s) => (s.startsWith("@meridian/") && !["@meridian/core", "@meridian/client"].includes(s) ? "cli talks to the server only through the client (`up` runs the server bundle as a child)" : null),
  },
  { area: "", forbid: (s) => (/^@meridian\/[^/]+\/src\//.test(s) ? "no deep imports into another package's src" : null) },
];

describe("architecture rules", () => {
  it("every import respects the dependency direction", () => {
    const problems: string[] = [];
    for (const rule of rules) {
      const dir = join(root, rule.area);
      const files = rule.area === "" ? ["packages", "apps", "bench", "testbed"].flatMap((d) => listSources(join(root, d))) : listSources(dir);
      for (const f of files) {
        for (const spec of importsOf(f)) {
          const why = rule.forbid(spec, f);
          if (why) problems.push(`${relative(root, f)} imports ${spec}: ${why}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("nothing reads process.env outside the config modules", () => {
    const allowed = new Set(["apps/server/src/config.ts", "apps/server/src/run-up.ts", "apps/server/src/bin.ts", "apps/cli/src/config.ts"]);
    const offenders = listSources(join(root, "apps"))
      .concat(listSources(join(root, "packages")))
      .filter((f) => !f.includes("/test/") && !f.endsWith(".test.ts") && !f.includes("/e2e/") && !f.includes("packages/testing/"))
      .filter((f) => /process\.env\b/.test(readFileSync(f, "utf8")))
      .map((f) => relative(root, f))
      .filter((f) => !allowed.has(f));
    expect(offenders).toEqual([]);
  });
});
