import { defineConfig } from "vitest/config";

/**
 * Two projects. `unit`: the core's and the functions' own tests (domain rules, through the
 * in-memory storage adapter): no global setup, no Java, a few seconds (`npm run test:unit`;
 * `npm run test:unit:nojava` runs it with Java off the PATH). `integration`: test/, against DynamoDB
 * Local started once for the run (test/global-setup.ts). `vitest run` runs both.
 */
export default defineConfig({
  test: {
    pool: "forks",
    // Three forks on the 2-core machine: the integration files wait mostly on DynamoDB Local and
    // Chromium, and one fork (vitest's default here, cores − 1) ran the suite in 14 minutes.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["packages/*/src/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "integration", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] },
      },
    ],
  },
});
