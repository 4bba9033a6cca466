/**
 * The dependency rules (.dependency-cruiser.cjs, `npm run lint:deps`): they hold on the real tree,
 * and each one fails on a small tree built to break it (a deep import across domains, a folder
 * cycle, db/ used outside a store module, the core importing the functions).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
}

/** The errors depcruise finds (known violations, with --ignore-known, are left out). */
function cruise(cwd: string, args: string[]): { errors: number; violations: Violation[] } {
  const r = spawnSync(DEPCRUISE, [...args, "--config", CONFIG, "--output-type", "json"], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const out = JSON.parse(r.stdout) as { summary: { error: number; violations: Violation[] } };
  return { errors: out.summary.error, violations: out.summary.violations.filter((v) => v.rule.severity === "error") };
}

const tmp = mkdtempSync(join(tmpdir(), "deps-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, "tree-"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "Bundler", allowJs: false } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const CORE = "packages/core/src";
/** A well-formed little core: two domains with doors, a store module using db/. */
const SOUND = {
  [`${CORE}/db/store.ts`]: "export const getItem = () => 1;\n",
  [`${CORE}/ledger/posting.ts`]: "export const postEntry = () => 1;\n",
  [`${CORE}/ledger/store.ts`]: 'import { getItem } from "../db/store.js";\nexport const readEntry = () => getItem();\n',
  [`${CORE}/ledger/index.ts`]: 'export * from "./posting.js";\nexport * from "./store.js";\n',
  [`${CORE}/grants/grants.ts`]: 'import { postEntry } from "../ledger/index.js";\nexport const createGrant = () => postEntry();\n',
  [`${CORE}/grants/index.ts`]: 'export * from "./grants.js";\n',
};

describe("the dependency rules", () => {
  it("hold on the real tree (known db/ uses outside store modules aside, listed in .dependency-cruiser-known-violations.json)", () => {
    const r = cruise(ROOT, ["packages", "infra", "test", "bench", "stacks", "--ignore-known"]);
    expect(r.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
    expect(r.errors).toBe(0);
  }, 180_000);

  it("pass on a sound little tree", () => {
    const r = cruise(tree(SOUND), ["packages"]);
    expect(r.violations).toEqual([]);
    expect(r.errors).toBe(0);
  }, 60_000);

  it("fail on a deep import across domains (grants reaching ledger/posting.ts, a handler reaching grants/grants.ts)", () => {
    const r = cruise(
      tree({
        ...SOUND,
        [`${CORE}/grants/grants.ts`]: 'import { postEntry } from "../ledger/posting.js";\nexport const createGrant = () => postEntry();\n',
        "packages/functions/src/handlers/grants.ts":
          'import { createGrant } from "../../../core/src/grants/grants.js";\nexport const handler = () => createGrant();\n',
      }),
      ["packages"],
    );
    expect(r.errors).toBeGreaterThan(0);
    expect(r.violations.map((v) => [v.rule.name, v.from, v.to])).toEqual(
      expect.arrayContaining([
        ["no-deep-import-between-domains", `${CORE}/grants/grants.ts`, `${CORE}/ledger/posting.ts`],
        ["no-deep-import", "packages/functions/src/handlers/grants.ts", `${CORE}/grants/grants.ts`],
      ]),
    );
  }, 60_000);

  it("fail on a folder cycle, on db/ outside a store module, and on the core importing the functions", () => {
    const r = cruise(
      tree({
        ...SOUND,
        [`${CORE}/ledger/posting.ts`]: 'import { createGrant } from "../grants/index.js";\nexport const postEntry = () => createGrant;\n',
        [`${CORE}/grants/grants.ts`]:
          'import { getItem } from "../db/store.js";\nimport { route } from "../../../functions/src/route.js";\nimport { postEntry } from "../ledger/index.js";\nexport const createGrant = () => [postEntry, getItem, route];\n',
        "packages/functions/src/route.ts": "export const route = 1;\n",
      }),
      ["packages"],
    );
    expect(r.errors).toBeGreaterThan(0);
    const names = new Set(r.violations.map((v) => v.rule.name));
    for (const rule of ["no-folder-cycle", "no-cycle", "db-only-in-stores", "core-never-imports-functions"]) expect(names, rule).toContain(rule);
  }, 60_000);
});
