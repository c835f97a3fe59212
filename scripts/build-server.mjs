// Bundles the server into apps/server/dist/meridian.mjs: our TypeScript packages are compiled in, npm
// dependencies stay external. The server runs from this bundle with plain `node`, without tsx's
// off-thread loader hooks, which could block the main thread right after start (see docs/adr/0002).
// Rebuilds only when a source is newer than the bundle; prints nothing when it is fresh.
import { existsSync, readdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "apps/server/dist/meridian.mjs");
const sources = ["apps/server/src", "packages/core/src", "packages/db/src", "packages/db/migrations", "packages/drivers/kubernetes/src", "packages/drivers/swarm/src", "packages/cost/src"].map((d) => join(root, d));

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

const fresh = existsSync(out) && statSync(out).mtimeMs >= Math.max(...sources.map(newestMtime));
if (!fresh || process.argv.includes("--force")) {
  const tmp = `${out}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, "apps/server/src/bin.ts")],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    logLevel: "warning",
    plugins: [
      {
        name: "external-dependencies",
        setup(b) {
          // Bare imports other than our own packages are npm dependencies: leave them to node.
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@meridian/") ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  renameSync(tmp, out); // atomic: concurrent test processes never see half a file
}
