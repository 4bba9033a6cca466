/**
 * The unit project needs no Java: its storage tests (the adapter's conformance cases, posting and
 * sequencing, the idempotency marker, the unit of work, a grant's recognition and payments) run through the in-memory
 * adapter with a PATH that holds node and pdftotext only (infra/unit-without-java.ts; the whole
 * unit project: `npm run test:unit:nojava`).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const STORAGE_TESTS = [
  "packages/core/src/db/memory.test.ts",
  "packages/core/src/db/unit-of-work.test.ts",
  "packages/core/src/ledger/posting.test.ts",
  "packages/core/src/grants/grants.test.ts",
];

it("runs the unit project's storage tests with java off the PATH", { timeout: 180_000 }, () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", resolve(ROOT, "infra/unit-without-java.ts"), ...STORAGE_TESTS], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const out = `${r.stdout}${r.stderr}`;
  expect(out).toContain("java: not found");
  expect(out).toMatch(/Test Files\s+4 passed \(4\)/);
  expect(r.status).toBe(0);
});
