/**
 * The dependency rules of the code (`npm run lint:deps`, run by `npm test`). See docs/architecture.md.
 *
 * - A domain of packages/core/src (ledger, giving, receipts, grants, spending, bank, reports, social, projects,
 *   settings, files) is entered through its door, `index.ts`, or the door of its heavy capabilities,
 *   `lazy.ts` (loaded on first use); each workflow file is its own door (workflows/<name>.ts), and
 *   workflows use doors only. The other public files are the file parsers the tests and the
 *   benchmark call synchronously: bank/parse.ts, social/imports.ts.
 * - No cycle between modules, and none between domain folders (checked on the folder graph).
 * - db/ (the DynamoDB adapter) is used by the domains' store modules only; a `Db` handle may travel
 *   as a type, and use cases commit through the unit of work (db/unit-of-work.ts). Outside the core (handlers, scripts, tests) `@asso/core/db` builds it.
 * - The core never imports packages/functions.
 */
const DOMAINS = "(ledger|giving|receipts|grants|spending|bank|reports|social|settings|files|mail|projects|workflows)";

module.exports = {
  forbidden: [
    {
      name: "no-deep-import",
      comment: "Another domain's files are reached through its door (index.ts) or its lazy door (lazy.ts) only.",
      severity: "error",
      from: { path: "^(packages|infra|test|bench|stacks)/", pathNot: ["^packages/core/src/" + DOMAINS + "/"] },
      to: {
        path: "^packages/core/src/" + DOMAINS + "/",
        pathNot: [
          "^packages/core/src/[^/]+/(index|lazy)\\.ts$",
          "^packages/core/src/workflows/[^/]+\\.ts$",
          "^packages/core/src/(bank/parse|social/imports)\\.ts$",
        ],
      },
    },
    {
      name: "no-deep-import-between-domains",
      comment: "A domain reaches another domain's files through its door (index.ts) or its lazy door (lazy.ts) only.",
      severity: "error",
      from: { path: "^packages/core/src/" + DOMAINS + "/" },
      to: {
        path: "^packages/core/src/" + DOMAINS + "/",
        pathNot: ["^packages/core/src/$1/", "^packages/core/src/[^/]+/(index|lazy)\\.ts$"],
      },
    },
    {
      name: "workflows-use-doors",
      comment: "A workflow calls the domains' doors, never the storage adapter.",
      severity: "error",
      from: { path: "^packages/core/src/workflows/" },
      to: { path: "^packages/core/src/db/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "db-only-in-stores",
      comment:
        "Only a domain's store modules (store.ts, store/*) use the DynamoDB adapter; others pass a Db handle along as a type, and commit their write intents through the unit of work (db/unit-of-work.ts, the port use cases are given).",
      severity: "error",
      from: {
        path: "^packages/core/src/",
        pathNot: ["^packages/core/src/db/", "^packages/core/src/[^/]+/store(\\.ts$|/)", "^packages/core/src/index\\.ts$", "\\.test\\.ts$"],
      },
      to: { path: "^packages/core/src/db/", pathNot: "^packages/core/src/db/unit-of-work\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "core-never-imports-functions",
      severity: "error",
      from: { path: "^packages/core/" },
      to: { path: "^packages/functions/" },
    },
    {
      name: "no-folder-cycle",
      comment: "No cycle between the core's folders (giving -> receipts -> giving…): one domain depends on the other, not both ways.",
      severity: "error",
      scope: "folder",
      from: { path: "^packages/core/src/[^/]+" },
      // Through the domain folders only: the shared root modules (errors, dates, money…) are not a domain.
      to: { circular: true, viaOnly: { path: "^packages/core/src/[^/]+" } },
    },
    {
      name: "no-cycle",
      comment: "No module cycle.",
      severity: "error",
      from: { path: "^packages/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/|^web/|^test/fixtures/|^test/golden/|^packages/[^/]+/src/.*\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], mainFields: ["module", "main", "types"] },
    combinedDependencies: true,
  },
};
