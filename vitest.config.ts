import { defineConfig } from "vitest/config";

// One project per kind of test, so the test script can run them in stages (unit first, then the suites
// that need real services).
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["packages/*/src/**/*.test.ts", "packages/drivers/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "tests/**/*.test.ts"], environment: "node" } },
      {
        test: {
          name: "api",
          include: ["apps/server/test/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      { test: { name: "cli", include: ["apps/cli/test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } },
      { test: { name: "e2e", include: ["apps/web/e2e/**/*.e2e.test.ts"], testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } },
      // Cost ingestion on real bill files and an embedded DuckDB.
      { test: { name: "cost", include: ["packages/cost/test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000, passWithNoTests: true } },
      // Drivers against the real testbeds (the test command brings them up first).
      { test: { name: "drivers", include: ["packages/drivers/*/test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false } },
      { test: { name: "testbed", include: ["testbed/test/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 1_800_000, fileParallelism: false } },
    ],
  },
});
