import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // integration tests start a real server with embedded PostgreSQL and spawn the CLI per step
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // each file starts its own server with embedded PostgreSQL
    fileParallelism: false,
  },
});
