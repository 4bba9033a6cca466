/** Matching proposals (pure): exact amounts in the window, references, grouped payments, no double use. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { candidates, needles, propose, textScore, type EntryIn, type LineIn } from "./match.js";

const line = (id: string, date: string, amount: number, label: string, extra: Partial<LineIn> = {}): LineIn => ({ id, date, amount, label, ...extra });
const entry = (entryId: string, date: string, amount: number, label: string, pieceRef = "P", names: string[] = []): EntryIn => ({
  entryId,
  date,
  amount,
  label,
  pieceRef,
  names,
});

describe("proposals", () => {
  it("an exact amount within ±5 days; the closer label wins between two same amounts", () => {
    const lines = [line("l1", "2024-11-05", -8990, "PRLV SEPA EDF SA FACTURE 2024-1187")];
    const entries = [entry("e1", "2024-11-04", -8990, "Assurance MAIF", "MAIF-11"), entry("e2", "2024-11-02", -8990, "Électricité EDF", "2024-1187")];
    const { proposals } = propose(lines, entries, { windowDays: 5 });
    expect(proposals[0]).toMatchObject({ entryIds: ["e2"], kind: "exact" });
    expect(proposals[0]!.alternatives.map((a) => a.entryIds)).toEqual([["e1"]]);
  });
  it("a rejected (line, entry) pair is never proposed again; the next candidate is proposed instead", () => {
    const lines = [line("l1", "2024-11-05", -8990, "PRLV SEPA EDF SA FACTURE 2024-1187")];
    const entries = [entry("e1", "2024-11-04", -8990, "Assurance MAIF", "MAIF-11"), entry("e2", "2024-11-02", -8990, "Électricité EDF", "2024-1187")];
    const { proposals } = propose(lines, entries, { windowDays: 5, rejected: new Set(["l1|e2"]) });
    expect(proposals.map((p) => p.entryIds)).toEqual([["e1"]]);
    expect(proposals.flatMap((p) => p.alternatives).some((a) => a.entryIds.includes("e2"))).toBe(false);
    expect(propose(lines, entries, { windowDays: 5, rejected: new Set(["l1|e1", "l1|e2"]) }).proposals).toEqual([]);
  });
  it("outside the window the amount alone is not enough; a telling label brings it back as a reference match", () => {
    const lines = [line("l1", "2024-11-30", 150000, "VIR SEPA FONDATION DE FRANCE CONVENTION 2024-017")];
    expect(propose(lines, [entry("e1", "2024-11-01", 150000, "Don anonyme")], { windowDays: 5 }).proposals).toEqual([]);
    const p = propose(lines, [entry("e2", "2024-11-01", 150000, "Fondation de France versement", "CONV-2024-017")], { windowDays: 5 }).proposals;
    expect(p[0]).toMatchObject({ kind: "reference", entryIds: ["e2"] });
  });
  it("a Stripe payout id in the label is certain", () => {
    const p = propose(
      [line("l1", "2024-11-04", 17655, "VIR STRIPE po_test_abc")],
      [entry("e1", "2024-11-03", 17655, "Virement Stripe vers la banque", "po_test_abc")],
      { windowDays: 5 },
    ).proposals;
    expect(p[0]).toMatchObject({ kind: "payout-id", score: 1 });
  });
  it("one line for two invoices, two lines for one entry", () => {
    const p = propose(
      [
        line("l1", "2024-11-18", -60000, "VIR IMPRIMERIE DUPONT FAC-1187 FAC-1192"),
        line("r1", "2024-11-08", -70000, "LOYER 1/2"),
        line("r2", "2024-11-09", -50000, "LOYER 2/2"),
      ],
      [
        entry("a", "2024-11-18", -42000, "Règlement", "FAC-1187", ["Imprimerie Dupont"]),
        entry("b", "2024-11-18", -18000, "Règlement", "FAC-1192", ["Imprimerie Dupont"]),
        entry("rent", "2024-11-08", -120000, "Loyer novembre"),
      ],
      { windowDays: 5 },
    ).proposals;
    expect(p.find((x) => x.kind === "grouped-entries")!.entryIds.sort()).toEqual(["a", "b"]);
    expect(p.find((x) => x.kind === "grouped-lines")).toMatchObject({ lineIds: ["r1", "r2"], entryIds: ["rent"] });
  });
  it("needles: names, piece reference, telling words; Stripe for payouts", () => {
    expect(needles(entry("e", "2024-01-01", 1, "Règlement Imprimerie Dupont FAC-1187", "FAC-1187", ["Imprimerie Dupont"]))).toEqual([
      "IMPRIMERIE DUPONT",
      "FAC-1187",
      "IMPRIMERIE DUPONT FAC-1187",
    ]);
    expect(needles(entry("e", "2024-01-01", 1, "Virement Stripe vers la banque", "po_1"))).toContain("STRIPE");
    expect(textScore(line("l", "2024-01-01", 1, "VIR IMPRIMERIE DUPOND"), entry("e", "2024-01-01", 1, "x", "y", ["Imprimerie Dupont"]))).toBeGreaterThan(0.7);
  });
  it("never proposes a line or an entry twice, and every proposal balances to the cent (property)", () => {
    const amount = fc.constantFrom(-5000, -2000, -1000, 1000, 2000, 3000, 5000);
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2024-11-${String(d).padStart(2, "0")}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(day, amount), { maxLength: 12 }), fc.array(fc.tuple(day, amount), { maxLength: 12 }), (ls, es) => {
        const lines = ls.map(([d, a], i) => line(`l${i}`, d, a, `LIGNE ${i}`));
        const entries = es.map(([d, a], i) => entry(`e${i}`, d, a, `Écriture ${i}`));
        const { proposals } = propose(lines, entries, { windowDays: 5 });
        const usedL = proposals.flatMap((p) => p.lineIds);
        const usedE = proposals.flatMap((p) => p.entryIds);
        expect(new Set(usedL).size).toBe(usedL.length);
        expect(new Set(usedE).size).toBe(usedE.length);
        for (const p of candidates(lines, entries, { windowDays: 5 })) {
          const lt = p.lineIds.reduce((s, id) => s + lines.find((l) => l.id === id)!.amount, 0);
          const et = p.entryIds.reduce((s, id) => s + entries.find((e) => e.entryId === id)!.amount, 0);
          expect(lt).toBe(et);
          expect(p.score).toBeGreaterThan(0);
          expect(p.score).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
