import { describe, expect, it } from "vitest";
import { entryHash, GENESIS_HASH, type Entry } from "./model.js";
import { planBatch } from "./sequencer.js";
import { planItemCount, type SequencerState } from "./store.js";

const draft = (id: string, over: Partial<Entry> = {}): Entry => ({
  id,
  journal: "BQ",
  year: 2024,
  date: "2024-03-05",
  label: id,
  pieceRef: id,
  pieceDate: "2024-03-05",
  lines: [
    { account: "512", debit: 100, credit: 0 },
    { account: "7541", debit: 0, credit: 100 },
  ],
  status: "draft",
  createdAt: "2024-03-05T10:00:00Z",
  ...over,
});

const state = (over: Partial<SequencerState> = {}): SequencerState => ({
  head: { seq: 0, hash: GENESIS_HASH },
  years: new Map(),
  counters: new Map(),
  ...over,
});

describe("planBatch", () => {
  it("numbers per (year, journal) from the counters, chains the hashes, sums the balances per month", () => {
    const plan = planBatch(
      [draft("a"), draft("b", { journal: "OD" }), draft("c", { date: "2024-04-01" })],
      state({ head: { seq: 10, hash: "f".repeat(64) }, counters: new Map([["2024#BQ", 4]]) }),
      "2024-05-01",
    );
    expect(plan.validated.map((e) => [e.id, e.journal, e.number, e.seq])).toEqual([
      ["a", "BQ", 5, 11],
      ["b", "OD", 1, 12],
      ["c", "BQ", 6, 13],
    ]);
    expect(plan.validated[0]!.prevHash).toBe("f".repeat(64));
    for (const [i, e] of plan.validated.entries()) {
      expect(e.hash).toBe(entryHash(e, e.prevHash!));
      if (i > 0) expect(e.prevHash).toBe(plan.validated[i - 1]!.hash);
    }
    expect(plan.head).toEqual({ from: 10, seq: 13, hash: plan.validated[2]!.hash });
    expect(plan.counters).toEqual([
      { year: 2024, journal: "BQ", from: 4, to: 6 },
      { year: 2024, journal: "OD", from: 0, to: 1 },
    ]);
    expect(plan.balances.find((b) => b.account === "512" && b.bucket === "03")).toMatchObject({ debit: 200, credit: 0 });
    expect(plan.balances.find((b) => b.account === "512" && b.bucket === "04")).toMatchObject({ debit: 100, credit: 0 });
    expect(plan.years).toEqual([{ year: 2024, count: 3, ordinary: true }]);
  });

  it("keeps closing entries in their own balance bucket", () => {
    const plan = planBatch([draft("cl", { journal: "CL", date: "2024-12-31" })], state(), "2025-01-05");
    expect(plan.balances.every((b) => b.bucket === "CL")).toBe(true);
    expect(plan.years).toEqual([{ year: 2024, count: 1, ordinary: false }]);
  });

  it("rejects drafts of a closed year, and of a sealed year unless they are the closing's own", () => {
    const plan = planBatch(
      [
        draft("old", { year: 2022, date: "2022-05-05" }),
        draft("late"),
        draft("cl", { journal: "CL", date: "2024-12-31" }),
        draft("next", { year: 2025, date: "2025-01-02" }),
      ],
      state({
        years: new Map([
          [2022, { status: "closed", sealed: true }],
          [2024, { status: "closing", sealed: true }],
        ]),
      }),
      "2025-01-05",
    );
    expect(plan.rejected.map((r) => r.id)).toEqual(["old", "late"]);
    expect(plan.rejected[1]!.reason).toMatch(/being closed/);
    expect(plan.validated.map((e) => e.id)).toEqual(["cl", "next"]);
  });

  it("stops before the transaction would pass the item limit, in draft order", () => {
    const many = Array.from({ length: 40 }, (_, i) => draft(`d${i}`, { date: `2024-${String((i % 12) + 1).padStart(2, "0")}-01` }));
    const plan = planBatch(many, state(), "2025-01-05", 100);
    expect(plan.validated.length).toBeGreaterThan(10);
    expect(plan.validated.length).toBeLessThan(40);
    expect(plan.validated.map((e) => e.id)).toEqual(many.slice(0, plan.validated.length).map((e) => e.id));
    expect(planItemCount(plan)).toBeLessThanOrEqual(100);
  });

  it("an empty batch changes nothing", () => {
    const plan = planBatch([], state(), "2025-01-05");
    expect(plan).toEqual({ validated: [], rejected: [], balances: [], counters: [], years: [], head: undefined });
  });
});
