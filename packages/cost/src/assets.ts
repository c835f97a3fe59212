import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A file shipped with this package (rules/, converters/). From the sources it is next to src/; when the
 * package is bundled into another program (the server's dist/meridian.mjs) `import.meta.url` is the bundle's,
 * so the package is found through node's module resolution instead.
 */
export function packageAsset(rel: string): string {
  const local = fileURLToPath(new URL(`../${rel}`, import.meta.url));
  if (existsSync(local)) return local;
  const root = dirname(createRequire(import.meta.url).resolve("@meridian/cost/package.json"));
  return join(root, rel);
}
