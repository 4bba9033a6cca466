/**
 * The README and docs/ stay true to the tree: the README stays short (issue 16: at most 200
 * lines), the architecture page keeps its glossary, every relative link points at a file (and a
 * heading) that exists, and every file path the pages name in backticks exists. A file moved or
 * renamed without its page fails here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const PAGES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Text outside fenced code blocks (a shell session or a printed banner is not a link). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, "");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

const anchorsOf = (text: string) => new Set([...prose(text).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));

/** Where a short path in a page is looked for: the repository, then the two packages' sources. */
const BASES = ["", "packages/core/src", "packages/functions/src", "packages/functions/src/handlers"];

/** The backticked spans that name a file of the repository by its path (`ledger/posting.ts`, `web/console/build.ts`). */
function pathsIn(text: string): string[] {
  const out = new Set<string>();
  for (const [, span] of prose(text).matchAll(/`([^`\s]+)`/g)) {
    const p = span!;
    if (/[*<>{}…:?=$@]/.test(p) || p.startsWith("/") || p.startsWith(".") || p.startsWith("-")) continue;
    if (!/\/./.test(p)) continue; // a bare file name (`store.ts`, `lazy.ts`) names a kind of file, not one
    if (!/^[\w./-]+$/.test(p) || !/^[a-zA-Z]/.test(p)) continue;
    if (/^(receipts|exports|invoices)\//.test(p)) continue; // keys in the files bucket
    if (/^(cdk\.out|dist|node_modules)\//.test(p)) continue; // made by a build, git-ignored
    if (/^@asso\//.test(p) || /^(application|text|image)\//.test(p)) continue; // module names, media types
    out.add(p);
  }
  return [...out];
}

const exists = (page: string, p: string) => [dirname(page), ...BASES].some((base) => existsSync(join(ROOT, base, p)));

describe("the README and docs/", () => {
  it("the README is short (at most 200 lines) and links the architecture page", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).toBeLessThanOrEqual(200);
    expect(readme).toContain("(docs/architecture.md)");
  });

  it("the README prints the banner npm run dev prints (infra/dev.ts), line by line", () => {
    const banner = read("README.md").split("```\nBack-office running locally\n")[1]?.split("```")[0] ?? "";
    const labels = banner
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(/\s+(http|fiscal year).*$/, ""));
    expect(labels.length).toBeGreaterThan(5);
    const dev = read("infra/dev.ts");
    expect(dev).toContain("Back-office running locally");
    for (const label of labels) expect(dev, label).toMatch(new RegExp(`\\n${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+\\$\\{`));
  });

  it("docs/architecture.md has the dependency rules and a glossary of French terms", () => {
    const page = read("docs/architecture.md");
    expect(page).toMatch(/^## Dependency rules$/m);
    const glossary = page.split(/^## Glossary$/m)[1] ?? "";
    const rows = glossary.split("\n").filter((l) => /^\|\s*[^|-]/.test(l));
    expect(rows.length).toBeGreaterThan(30);
    for (const term of ["écriture", "brouillard", "lettrage", "état de rapprochement", "fonds dédiés", "à-nouveaux", "extourne", "FEC", "rubrique"])
      expect(glossary, term).toContain(`| ${term}`);
  });

  it("every relative link points at a file and a heading that exist", () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const [, target] of prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [file, anchor] = target!.split("#");
        const path = file ? normalize(join(dirname(page), file)) : page;
        if (!existsSync(join(ROOT, path))) broken.push(`${page}: ${target} (no file ${path})`);
        else if (anchor && path.endsWith(".md") && !anchorsOf(read(path)).has(anchor)) broken.push(`${page}: ${target} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every file path a page names exists", () => {
    const missing = PAGES.flatMap((page) =>
      pathsIn(read(page))
        .filter((p) => !exists(page, p))
        .map((p) => `${page}: ${p}`),
    );
    expect(missing).toEqual([]);
  });

  it("finds a moved file and a broken anchor (the checks can fail)", () => {
    expect(pathsIn("see `ledger/posting.ts` and `packages/core/src/nowhere/gone.ts`")).toEqual(["ledger/posting.ts", "packages/core/src/nowhere/gone.ts"]);
    expect(exists("README.md", "packages/core/src/nowhere/gone.ts")).toBe(false);
    expect(exists("docs/architecture.md", "http.ts")).toBe(true); // packages/functions/src/http.ts
    expect(anchorsOf("## One request, end to end: `POST /v1/ledger/entries`").has("one-request-end-to-end-post-v1ledgerentries")).toBe(true);
    expect(anchorsOf("```\n## not a heading\n```").size).toBe(0);
  });
});
