import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { chartOfAccounts } from "../ledger/index.js";
import { ACCOUNT_MAP, RUBRIQUES, rubriqueOf, targetOf } from "./rubriques.js";
import { buildStatements, type Balance } from "./financial-statements.js";

const expectedStatement = (cls: number) => (cls <= 5 ? "bilan" : cls <= 7 ? "resultat" : "cvn");

describe("account → rubrique mapping", () => {
  it("covers every account of the chart (an unmapped account fails here)", () => {
    const unmapped = chartOfAccounts.filter((a) => targetOf(a.number) === undefined).map((a) => a.number);
    expect(unmapped).toEqual([]);
  });

  it("puts every account of the chart in the statement of its class, on the expected side", () => {
    for (const a of chartOfAccounts) {
      for (const balance of [100, -100]) {
        const rub = rubriqueOf(a.number, balance)!;
        if (a.number.startsWith("89")) {
          expect(rub.statement).toBe("bilan");
          continue;
        }
        expect(rub.statement, `${a.number} ${a.label}`).toBe(expectedStatement(a.class));
        if (a.class === 6) expect(rub.side).toBe("charges");
        if (a.class === 7) expect(rub.side).toBe("produits");
        if (a.class === 1) expect(rub.side).toBe("passif");
      }
    }
  });

  it("names only rubriques that exist, and no 'capital'", () => {
    const ids = new Set(RUBRIQUES.map((r) => r.id));
    for (const [, t] of ACCOUNT_MAP) for (const id of typeof t === "string" ? [t] : [t.debit, t.credit]) expect(ids.has(id), id).toBe(true);
    for (const r of RUBRIQUES) expect(r.label.toLowerCase()).not.toContain("capital");
  });

  it("follows the reference: 604–608, 61 and 62 are autres achats et charges externes; 7541 générosité; 755 contributions; 194 fonds dédiés", () => {
    for (const a of ["604", "606", "6064", "613", "6132", "616", "622", "6226", "623", "627", "6281"]) expect(rubriqueOf(a)!.id, a).toBe("charges-externes");
    expect(rubriqueOf("7541")!.id).toBe("generosite");
    expect(rubriqueOf("7551")!.id).toBe("contributions");
    expect(rubriqueOf("741")!.id).toBe("subventions");
    expect(rubriqueOf("756")!.id).toBe("cotisations");
    expect(rubriqueOf("6895")!.id).toBe("reports-fonds-dedies");
    expect(rubriqueOf("7895")!.id).toBe("utilisations-fonds-dedies");
    expect(rubriqueOf("194")!.section).toBe("fonds-reportes-dedies");
    expect(rubriqueOf("102")!.section).toBe("fonds-propres");
    expect(rubriqueOf("151")!.section).toBe("provisions");
    expect(rubriqueOf("401", -5)!.section).toBe("dettes");
    expect(rubriqueOf("512", 5)!.id).toBe("disponibilites");
    expect(rubriqueOf("512", -5)!.id).toBe("emprunts");
  });

  it("maps a sub-account the chart does not have by its longest known prefix", () => {
    expect(rubriqueOf("6226100")!.id).toBe("charges-externes");
    expect(rubriqueOf("75511")!.id).toBe("contributions");
    expect(rubriqueOf("68951")!.id).toBe("reports-fonds-dedies");
    expect(rubriqueOf("64511")!.id).toBe("charges-sociales");
    expect(rubriqueOf("2805")!.id).toBe("immobilisations-incorporelles");
  });

  it("a sub-account of any chart account goes where its parent goes (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...chartOfAccounts.map((a) => a.number)),
        fc.stringMatching(/^[0-9]{1,5}$/),
        fc.integer({ min: -1e9, max: 1e9 }),
        (parent, suffix, balance) => {
          expect(rubriqueOf(parent + suffix, balance)).toEqual(rubriqueOf(parent, balance));
        },
      ),
    );
  });
});

/** A random balanced trial balance over the chart (and some sub-accounts), before closing. */
const balancedBook = fc
  .array(
    fc.record({
      debit: fc.constantFrom(...chartOfAccounts.map((a) => a.number).filter((n) => !n.startsWith("8")), "6226100", "75511", "4011"),
      credit: fc.constantFrom(...chartOfAccounts.map((a) => a.number).filter((n) => !n.startsWith("8")), "6226100", "75511", "4011"),
      amount: fc.integer({ min: 1, max: 50_000_000 }),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((moves) => {
    const m = new Map<string, { debit: number; credit: number }>();
    for (const mv of moves) {
      const d = m.get(mv.debit) ?? { debit: 0, credit: 0 };
      d.debit += mv.amount;
      m.set(mv.debit, d);
      const c = m.get(mv.credit) ?? { debit: 0, credit: 0 };
      c.credit += mv.amount;
      m.set(mv.credit, c);
    }
    return [...m].map(([account, s]): Balance => ({ account, ...s, balance: s.debit - s.credit }));
  });

describe("statements tie to the trial balance to the cent", () => {
  it("result = produits − charges = −Σ balances of classes 6 and 7; actif = passif (property)", () => {
    fc.assert(
      fc.property(balancedBook, (balances) => {
        const s = buildStatements(balances);
        const classes67 = balances.filter((b) => b.account[0] === "6" || b.account[0] === "7").reduce((t, b) => t + b.balance, 0);
        expect(s.unmapped).toEqual([]);
        expect(s.compteDeResultat.result).toBe(0 - classes67 || 0);
        expect(s.compteDeResultat.totals.produits - s.compteDeResultat.totals.charges).toBe(s.compteDeResultat.result);
        const { exploitation, financier, exceptionnel } = s.compteDeResultat.sections;
        expect(exploitation.result + financier.result + exceptionnel.result - s.compteDeResultat.impot).toBe(s.compteDeResultat.result);
        expect(s.bilan.totals.actif).toBe(s.bilan.totals.passif);
        expect(s.bilan.difference).toBe(0);
        // every non-zero balance lands in exactly one line
        const placed = [...s.compteDeResultat.lines, ...s.bilan.lines, ...s.compteDeResultat.cvn.lines].flatMap((l) => l.accounts.map((a) => a.account));
        expect(placed.sort()).toEqual(
          balances
            .filter((b) => b.balance !== 0)
            .map((b) => b.account)
            .sort(),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("reports an account no rubrique covers instead of dropping it", () => {
    const s = buildStatements([
      { account: "9999", debit: 100, credit: 0, balance: 100 },
      { account: "512", debit: 0, credit: 100, balance: -100 },
    ]);
    expect(s.unmapped).toEqual(["9999"]);
  });
});
