import { describe, expect, it } from "vitest";
import { findAccount } from "../ledger/index.js";
import { accountsFor, auxNumber, BANK, CASH, DEFERRED_INCOME, FUNDER_ACCOUNTS, FUNDER_KINDS, SUPPLIERS } from "./accounts.js";

describe("the funder-kind → accounts table", () => {
  it("names only accounts of the chart, each in its class", () => {
    for (const kind of FUNDER_KINDS) {
      const t = FUNDER_ACCOUNTS[kind];
      for (const a of [...t.income, ...t.receivable, t.dedicated, t.report, t.release]) expect(findAccount(a), `${kind}: ${a}`).toBeDefined();
      for (const a of t.income) expect(a[0], `${kind} income ${a}`).toBe("7");
      for (const a of t.receivable) expect(a[0], `${kind} receivable ${a}`).toBe("4");
      expect(t.dedicated.slice(0, 2)).toBe("19");
      expect(t.report.slice(0, 3)).toBe("689");
      expect(t.release.slice(0, 3)).toBe("789");
      // Report, release and the fonds dédiés account go together: 6894/7894/194, 6895/7895/195.
      expect(t.report.slice(3)).toBe(t.dedicated.slice(2));
      expect(t.release.slice(3)).toBe(t.dedicated.slice(2));
    }
    for (const a of [DEFERRED_INCOME, SUPPLIERS, BANK, CASH]) expect(findAccount(a)).toBeDefined();
  });

  it("follows ANC 2018-06: 74x/441/194 for public bodies only, 7551/4687/195 for foundations, funds, associations, 7542 for companies", () => {
    expect(accountsFor("public")).toEqual({ income: "741", receivable: "441", dedicated: "194", report: "6894", release: "7894" });
    for (const k of ["foundation", "endowment_fund", "association"] as const)
      expect(accountsFor(k)).toEqual({ income: "7551", receivable: "4687", dedicated: "195", report: "6895", release: "7895" });
    // Bug: company mécénat (754x, public generosity) was carried in 195 (other bodies' contributions).
    expect(accountsFor("company")).toMatchObject({ income: "7542", receivable: "4687", dedicated: "196", report: "6896", release: "7896" });
    for (const k of FUNDER_KINDS) if (k !== "public") expect(FUNDER_ACCOUNTS[k].income.some((a) => a.startsWith("74"))).toBe(false);
  });
});

describe("auxiliary account numbers", () => {
  it("are capitals without accents or punctuation, with the prefix", () => {
    expect(auxNumber("F", "Camille Dupont (rédaction)")).toBe("FCAMILLEDUPONTREDA");
    expect(auxNumber("S", "Fondation de France")).toBe("SFONDATIONDEFRANCE");
    expect(auxNumber("F", "É")).toBe("FE");
    expect(auxNumber("F", "—")).toBe("FX");
  });
});
