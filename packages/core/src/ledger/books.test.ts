import { describe, expect, it } from "vitest";
import { OPEN_YEAR_MARK, trialBalanceCsv, type TrialBalanceBook } from "./books.js";

const book = (status: "open" | "closed"): TrialBalanceBook => ({
  association: "Les Amis du Parc",
  standing: {
    year: 2025,
    status,
    title: "Exercice 2025 (du 01/01/2025 au 31/12/2025)",
    mark: status === "open" ? OPEN_YEAR_MARK : "Exercice clôturé le 15/03/2026",
  },
  accounts: [
    { account: "512", label: "Banque", debit: 150_000, credit: 20_050, balance: 129_950 },
    { account: "623", label: "=Publicité", debit: 20_050, credit: 0, balance: 20_050 },
    { account: "7541", label: "Dons manuels", debit: 0, credit: 150_000, balance: -150_000 },
  ],
  totals: { debit: 170_050, credit: 170_050 },
});

describe("the balance as a spreadsheet", () => {
  it("says on its first line whether the year is closed, then one line per account and the totals", () => {
    const lines = trialBalanceCsv(book("open"))
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toContain("Exercice non clôturé");
    expect(lines[1]).toBe("Compte;Intitulé;Débit;Crédit;Solde débiteur;Solde créditeur");
    expect(lines[2]).toBe("512;Banque;1500,00;200,50;1299,50;0,00");
    expect(lines[4]).toBe("7541;Dons manuels;0,00;1500,00;0,00;1500,00");
    expect(lines[5]).toBe(";Totaux;1700,50;1700,50;1500,00;1500,00");
    expect(trialBalanceCsv(book("closed"))).toContain("Exercice clôturé le 15/03/2026");
  });

  it("never lets a label reach a spreadsheet as a formula", () => {
    expect(trialBalanceCsv(book("open"))).toContain("\r\n623;'=Publicité;");
  });
});
