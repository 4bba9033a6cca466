/**
 * The ledger by project through the HTTP surface (issue 20, item 1): hand entries split 70/30 by
 * share and by amount are written one line per project to the cent; `GET /v1/ledger/entries?project=`
 * returns exactly the entries with a line on that project (read from the project's lines index,
 * paged without repeating an entry), the general ledger of an account filtered likewise; the figures
 * by project equal the lines listed; a split adding up to 90 % is refused naming `lines.0.split`
 * and writes nothing; an unknown project is a 400 naming `project`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, role = "tresorier") {
  const res = await stack.call(method, path, { body, role });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as Json };
}
const entry = (lines: Json[], pieceRef: string, date = "2025-04-10") => ({ journal: "OD", date, label: "Écriture à la main", pieceRef, lines });
const lineView = (l: Json) => [l.account, l.debit, l.credit, l.project ?? null];

/** Every entry of a listing, page by page (limit small so pages break inside entries). */
async function listAll(query: string, limit: number) {
  const ids: string[] = [];
  const items: Json[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await call("GET", `/v1/ledger/entries?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, undefined, "auditor");
    expect(r.status).toBe(200);
    for (const e of r.body.items) {
      ids.push(e.id);
      items.push(e);
    }
    cursor = r.body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, items, pages };
}

describe("hand entries by project, and the ledger filtered by project", () => {
  const written: Json[] = [];

  it("projects exist", async () => {
    for (const [code, name] of [
      ["ATELIER", "Ateliers vélo"],
      ["FESTIVAL", "Festival d'été"],
      ["AUTRE", "Projet sans écriture"],
    ])
      expect((await call("POST", "/v1/projects", { code, name })).status).toBe(201);
  });

  it("a hand entry split 70/30 by share is written one line per project, to the cent", async () => {
    const r = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          {
            account: "606",
            debit: 10_001,
            split: [
              { projectId: "ATELIER", share: 0.7 },
              { projectId: "FESTIVAL", share: 0.3 },
            ],
          },
          { account: "512", credit: 10_001, project: "ATELIER" },
        ],
        "M-70-30",
      ),
    );
    expect(r.status).toBe(201);
    // 70 % of 100,01 € is 70,007 € and 30 % 30,003 €: both rounded down, the cent left goes to the largest remainder (0,7 c).
    expect(r.body.lines.map(lineView)).toEqual([
      ["606", 7_001, 0, "ATELIER"],
      ["606", 3_000, 0, "FESTIVAL"],
      ["512", 0, 10_001, "ATELIER"],
    ]);
    written.push(r.body);
  });

  it("a hand entry split by amount keeps the amounts given", async () => {
    const r = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          {
            account: "6226",
            debit: 25_000,
            split: [
              { projectId: "FESTIVAL", amount: 17_500 },
              { projectId: "ATELIER", amount: 7_500 },
            ],
          },
          { account: "512", credit: 25_000 },
        ],
        "M-AMOUNT",
        "2025-05-02",
      ),
    );
    expect(r.status).toBe(201);
    expect(r.body.lines.map(lineView)).toEqual([
      ["6226", 17_500, 0, "FESTIVAL"],
      ["6226", 7_500, 0, "ATELIER"],
      ["512", 0, 25_000, null],
    ]);
    written.push(r.body);
    // An entry with no project: never in a project's listing.
    const plain = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          { account: "606", debit: 1_234 },
          { account: "512", credit: 1_234 },
        ],
        "M-NONE",
        "2025-04-20",
      ),
    );
    expect(plain.status).toBe(201);
    written.push(plain.body);
  });

  it("a split adding up to 90 % is refused naming lines.0.split, and nothing is written", async () => {
    const before = await listAll("from=2025-01-01&to=2025-12-31", 100);
    const r = await call(
      "POST",
      "/v1/ledger/entries",
      entry(
        [
          {
            account: "606",
            debit: 5_000,
            split: [
              { projectId: "ATELIER", share: 0.6 },
              { projectId: "FESTIVAL", share: 0.3 },
            ],
          },
          { account: "512", credit: 5_000 },
        ],
        "M-90",
      ),
    );
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: Json) => e.path)).toContain("lines.0.split");
    const after = await listAll("from=2025-01-01&to=2025-12-31", 100);
    expect(after.ids).toEqual(before.ids);
    expect(after.items.some((e) => e.pieceRef === "M-90")).toBe(false);
  });

  it("?project= returns exactly the entries with a line on it, each line with its project, paged without repeats", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await call(
        "POST",
        "/v1/ledger/entries",
        entry(
          [
            { account: "606", debit: 1_000 + i, project: "ATELIER" },
            { account: "6226", debit: 500, project: "ATELIER" },
            { account: "512", credit: 1_500 + i, project: "ATELIER" },
          ],
          `M-ATELIER-${i}`,
          `2025-06-0${i + 1}`,
        ),
      );
      expect(r.status).toBe(201);
      written.push(r.body);
    }
    const onAtelier = written.filter((e) => e.lines.some((l: Json) => l.project === "ATELIER")).map((e) => e.id);
    const onFestival = written.filter((e) => e.lines.some((l: Json) => l.project === "FESTIVAL")).map((e) => e.id);
    expect(onAtelier).toHaveLength(7);
    // Pages of 2 lines break inside entries of 3 lines: each entry still comes once.
    for (const limit of [2, 3, 100]) {
      const a = await listAll("project=atelier&from=2025-01-01&to=2025-12-31", limit);
      expect(a.ids.sort()).toEqual([...onAtelier].sort());
      expect(new Set(a.ids).size).toBe(a.ids.length);
    }
    // Without dates, the current fiscal year: none of them.
    expect((await listAll("project=ATELIER", 100)).ids).toEqual([]);
    const a = await listAll("project=ATELIER&from=2025-01-01&to=2025-12-31", 100);
    expect(a.ids.sort()).toEqual([...onAtelier].sort());
    // In date order, every line shown with its project.
    expect(a.items.map((e) => e.date)).toEqual([...a.items.map((e) => e.date)].sort());
    expect(a.items.find((e) => e.pieceRef === "M-70-30")!.lines.map(lineView)).toEqual(written[0]!.lines.map(lineView));
    const f = await listAll("project=FESTIVAL&from=2025-01-01&to=2025-12-31", 100);
    expect(f.ids.sort()).toEqual([...onFestival].sort());
    // Combined with a journal and an account, and with dates.
    expect((await listAll("project=FESTIVAL&account=6226&from=2025-01-01&to=2025-12-31", 100)).ids).toEqual([written[1]!.id]);
    expect((await listAll("project=ATELIER&journal=BQ&from=2025-01-01&to=2025-12-31", 100)).ids).toEqual([]);
    expect((await listAll("project=ATELIER&from=2025-06-02&to=2025-06-03", 100)).items.map((e) => e.pieceRef)).toEqual(["M-ATELIER-1", "M-ATELIER-2"]);
    expect((await listAll("project=AUTRE&from=2025-01-01&to=2025-12-31", 100)).ids).toEqual([]);
  });

  it("the figures per project equal the lines the filter lists", async () => {
    const fig = await call("GET", "/v1/projects/figures?year=2025", undefined, "delegation");
    expect(fig.status).toBe(200);
    for (const code of ["ATELIER", "FESTIVAL"]) {
      const { items } = await listAll(`project=${code}&from=2025-01-01&to=2025-12-31`, 100);
      const lines = items.flatMap((e) => e.lines).filter((l: Json) => l.project === code);
      const charges = lines.filter((l: Json) => l.account.startsWith("6")).reduce((s: number, l: Json) => s + l.debit - l.credit, 0);
      const project = fig.body.items.find((p: Json) => p.code === code);
      expect(project, JSON.stringify(fig.body.items)).toBeDefined();
      expect(project.actual.charges).toBe(charges);
    }
    // ATELIER: 70,01 + 75,00 + 5 × (10,00…10,04 + 5,00) = 220,11 €; FESTIVAL: 30,00 + 175,00.
    expect(fig.body.items.find((p: Json) => p.code === "ATELIER").actual.charges).toBe(7_001 + 7_500 + 5 * 1_500 + 10);
    expect(fig.body.items.find((p: Json) => p.code === "FESTIVAL").actual.charges).toBe(3_000 + 17_500);
  });

  it("the general ledger of an account filtered by project: only its lines, with their running balance", async () => {
    const all = await call("GET", "/v1/ledger/general-ledger?year=2025&account=606", undefined, "auditor");
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBe(8);
    const atelier = await call("GET", "/v1/ledger/general-ledger?year=2025&account=606&project=atelier", undefined, "auditor");
    expect(atelier.status).toBe(200);
    expect(atelier.body.items.map((i: Json) => [i.debit, i.project])).toEqual([[7_001, "ATELIER"], ...[0, 1, 2, 3, 4].map((i) => [1_000 + i, "ATELIER"])]);
    expect(atelier.body.items.at(-1).balance).toBe(7_001 + 5_010);
    // Paged two lines at a time, the running balance carries over.
    const p1 = await call("GET", "/v1/ledger/general-ledger?year=2025&account=606&project=ATELIER&limit=2", undefined, "auditor");
    expect(p1.body.items).toHaveLength(2);
    const p2 = await call(
      "GET",
      `/v1/ledger/general-ledger?year=2025&account=606&project=ATELIER&limit=10&cursor=${encodeURIComponent(p1.body.nextCursor)}`,
      undefined,
      "auditor",
    );
    expect(p2.body.items.at(-1).balance).toBe(7_001 + 5_010);
    // A cursor given for another project is refused.
    const other = await call(
      "GET",
      `/v1/ledger/general-ledger?year=2025&account=606&project=FESTIVAL&cursor=${encodeURIComponent(p1.body.nextCursor)}`,
      undefined,
      "auditor",
    );
    expect(other.status).toBe(400);
  });

  it("an unknown project is a 400 naming project", async () => {
    for (const path of [
      "/v1/ledger/entries?project=NOPE",
      "/v1/ledger/general-ledger?year=2025&account=606&project=NOPE",
      "/v1/ledger/entries?project=%C3%A9",
    ]) {
      const r = await call("GET", path, undefined, "auditor");
      expect(r.status, path).toBe(400);
      expect(r.body.errors.map((e: Json) => e.path)).toEqual(["project"]);
    }
  });
});
