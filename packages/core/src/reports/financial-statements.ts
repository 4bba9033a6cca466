/**
 * The compte de résultat and the bilan in the ANC 2018-06 presentation, as pure functions of a
 * year's balances (the trial balance before closing entries). Each account goes to the rubrique
 * `rubriques.ts` gives it; the totals tie to the balances to the cent:
 *   résultat = produits − charges = −Σ balances of classes 6 and 7,
 *   actif = passif, once the year's result sits in the fonds propres.
 */
import { RUBRIQUES, rubriqueOf, type Rubrique } from "./rubriques.js";

/** One account of the trial balance; `balance` = debit − credit, in cents. */
export interface Balance {
  account: string;
  label?: string;
  debit: number;
  credit: number;
  balance: number;
}

export interface StatementLine {
  rubrique: string;
  label: string;
  side: Rubrique["side"];
  section: string;
  /** Cents, positive when the line is what its side expects (a charge, a produit, an asset, a liability). */
  amount: number;
  accounts: Array<{ account: string; label: string; amount: number }>;
}

export interface SectionTotals {
  produits: number;
  charges: number;
  result: number;
}

export interface CompteDeResultat {
  lines: StatementLine[];
  sections: { exploitation: SectionTotals; financier: SectionTotals; exceptionnel: SectionTotals };
  /** Impôts sur les sociétés (charges, outside the three sections). */
  impot: number;
  totals: { produits: number; charges: number };
  /** Excédent (> 0) or déficit (< 0). */
  result: number;
  cvn: { ressources: number; emplois: number; lines: StatementLine[] };
}

export interface Bilan {
  lines: StatementLine[];
  totals: { actif: number; passif: number; bySection: Record<string, number> };
  /** The year's result, in the fonds propres. */
  result: number;
  /** actif − passif: 0 unless valued contributions in kind (86/87) do not net out. */
  difference: number;
}

export interface Statements {
  compteDeResultat: CompteDeResultat;
  bilan: Bilan;
  /** Accounts no rubrique covers: nothing is dropped silently, the caller shows them. */
  unmapped: string[];
}

const signed = (side: Rubrique["side"], balance: number) => (side === "charges" || side === "actif" || side === "emplois" ? balance : -balance);

function collect(balances: readonly Balance[]) {
  const lines = new Map<string, StatementLine>();
  for (const rub of RUBRIQUES) lines.set(rub.id, { rubrique: rub.id, label: rub.label, side: rub.side, section: rub.section, amount: 0, accounts: [] });
  const unmapped: string[] = [];
  for (const b of balances) {
    if (b.balance === 0) continue;
    const rub = rubriqueOf(b.account, b.balance);
    if (!rub) {
      unmapped.push(b.account);
      continue;
    }
    const line = lines.get(rub.id)!;
    const amount = signed(rub.side, b.balance) || 0;
    line.amount += amount;
    line.accounts.push({ account: b.account, label: b.label ?? b.account, amount });
  }
  return { lines: [...lines.values()], unmapped };
}

const sum = (lines: StatementLine[], pred: (l: StatementLine) => boolean) => lines.reduce((s, l) => (pred(l) ? s + l.amount : s), 0);

/** Both statements of one year from its balances (before closing entries). */
export function buildStatements(balances: readonly Balance[]): Statements {
  const { lines, unmapped } = collect(balances);
  const resultat = lines.filter((l) => l.side === "produits" || l.side === "charges");
  const section = (name: string): SectionTotals => {
    const produits = sum(resultat, (l) => l.side === "produits" && l.section === name);
    const charges = sum(resultat, (l) => l.side === "charges" && l.section === name);
    return { produits, charges, result: produits - charges };
  };
  const produits = sum(resultat, (l) => l.side === "produits");
  const charges = sum(resultat, (l) => l.side === "charges");
  const result = produits - charges;
  const cvnLines = lines.filter((l) => l.side === "ressources" || l.side === "emplois");

  const bilanLines = lines.filter((l) => l.side === "actif" || l.side === "passif");
  const current = bilanLines.find((l) => l.rubrique === "resultat-exercice")!;
  current.amount += result;
  const bySection: Record<string, number> = {};
  for (const l of bilanLines) bySection[l.section] = (bySection[l.section] ?? 0) + l.amount;
  const actif = sum(bilanLines, (l) => l.side === "actif");
  const passif = sum(bilanLines, (l) => l.side === "passif");

  return {
    compteDeResultat: {
      lines: resultat,
      sections: { exploitation: section("exploitation"), financier: section("financier"), exceptionnel: section("exceptionnel") },
      impot: sum(resultat, (l) => l.section === "impot"),
      totals: { produits, charges },
      result,
      cvn: { ressources: sum(cvnLines, (l) => l.side === "ressources"), emplois: sum(cvnLines, (l) => l.side === "emplois"), lines: cvnLines },
    },
    bilan: { lines: bilanLines, totals: { actif, passif, bySection }, result, difference: actif - passif },
    unmapped,
  };
}
