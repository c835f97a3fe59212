// `npm run bench -- <name>`: runs one benchmark file from bench/.
const name = process.argv[2] ?? "api";
const known: Record<string, string> = { api: "./api-bench.ts", clusters: "./clusters-bench.ts", cost: "./cost-ingest-bench.ts", apps: "./apps-bench.ts" };
const file = known[name];
if (!file) {
  console.error(`unknown benchmark ${name}; known: ${Object.keys(known).join(", ")}`);
  process.exit(2);
}
await import(file);
