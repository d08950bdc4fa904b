import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "policies/**/*.test.ts"],
    setupFiles: ["test/support/fast-check-seed.ts"],
    globalSetup: ["test/support/build-runtime.ts"],
    // `npm run test:deep` runs every property 100 times as often: give each test time to finish.
    testTimeout: process.env.POL_DEEP ? 3_600_000 : 60_000,
    hookTimeout: 60_000,
  },
});
