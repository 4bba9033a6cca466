/**
 * Which accounts a funder's money goes through, by the funder's kind (ANC regulation 2018-06):
 * public bodies give operating grants (74x, receivable 441, fonds dédiés 194); foundations,
 * endowment funds and other associations give contributions financières (7551, 4687, 195);
 * companies give mécénat (7542, 4687, 195). One table, read by every posting of this domain.
 */
export const FUNDER_KINDS = ["foundation", "endowment_fund", "public", "association", "company"] as const;
export type FunderKind = (typeof FUNDER_KINDS)[number];

export interface FunderAccounts {
  /** The income accounts the kind may use; the first is the default. */
  income: readonly [string, ...string[]];
  /** Receivable debited at signature, settled by the installments received. */
  receivable: readonly [string, ...string[]];
  /** Fonds dédiés (liability, class 1). */
  dedicated: string;
  /** Report en fonds dédiés (charge, 689x): the unspent part moved out of the result. */
  report: string;
  /** Utilisation des fonds dédiés (income, 789x): released as the money is spent. */
  release: string;
}

export const FUNDER_ACCOUNTS: Readonly<Record<FunderKind, FunderAccounts>> = {
  public: { income: ["741", "742", "746"], receivable: ["441"], dedicated: "194", report: "6894", release: "7894" },
  foundation: { income: ["7551"], receivable: ["4687"], dedicated: "195", report: "6895", release: "7895" },
  endowment_fund: { income: ["7551"], receivable: ["4687"], dedicated: "195", report: "6895", release: "7895" },
  association: { income: ["7551"], receivable: ["4687"], dedicated: "195", report: "6895", release: "7895" },
  // Mécénat is a resource from public generosity (754x): its fonds dédiés are 196/6896/7896.
  company: { income: ["7542"], receivable: ["4687"], dedicated: "196", report: "6896", release: "7896" },
};

/** Advance income (produits constatés d'avance): the share of a grant that belongs to later years. */
export const DEFERRED_INCOME = "487";
/** Suppliers (with the supplier as auxiliary account), banks, cash. */
export const SUPPLIERS = "401";
export const BANK = "512";
export const CASH = "530";

/** The accounts a funder of `kind` uses; `income`/`receivable` pick among the kind's allowed ones. */
export function accountsFor(kind: FunderKind, choice: { income?: string; receivable?: string } = {}) {
  const t = FUNDER_ACCOUNTS[kind];
  return {
    income: choice.income ?? t.income[0],
    receivable: choice.receivable ?? t.receivable[0],
    dedicated: t.dedicated,
    report: t.report,
    release: t.release,
  };
}
export type ChosenAccounts = ReturnType<typeof accountsFor>;

/**
 * An auxiliary account number (FEC CompAuxNum) from a name: a prefix (`F` supplier, `S` funder)
 * and the name in capitals without accents, spaces or punctuation, 17 characters at most.
 * "Camille Dupont (rédaction)" → `FCAMILLEDUPONTREDA`.
 */
export function auxNumber(prefix: string, name: string): string {
  const slug = name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, 17);
  return `${prefix}${slug || "X"}`;
}

/**
 * Where unspent restricted funds given back go before the bank (ANC 2018-06: the fonds dédiés become
 * a debt to the funder): 4419 for public bodies (subventions à reverser, opened under 441 when the
 * chart lacks it), 467 for the others; with the funder as auxiliary account.
 */
export const REPAYMENT_DEBT = { public: "4419", other: "467" } as const;
export const REPAYMENT_DEBT_LABEL = "État et collectivités - subventions à reverser";
export const repaymentDebtAccount = (kind: FunderKind) => (kind === "public" ? REPAYMENT_DEBT.public : REPAYMENT_DEBT.other);

/**
 * The first auxiliary number for `name` that is not in `taken`: the name's own (`auxNumber`), else the
 * name cut to 15 characters and a number from 02 (`SREGIONILEDEFRAN02`), so two funders whose names
 * begin alike never share one.
 */
export function uniqueAuxNumber(prefix: string, name: string, taken: ReadonlySet<string>): string {
  const first = auxNumber(prefix, name);
  if (!taken.has(first)) return first;
  const stem = first.slice(0, prefix.length + 15);
  for (let n = 2; n < 1000; n++) {
    const candidate = `${stem}${String(n).padStart(2, "0")}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new RangeError(`no auxiliary number left for ${name}`);
}
