/**
 * The budget rows of the CERFA 12156 (demande de subvention) and 15059 (compte-rendu financier):
 * the chart's two-digit classes 60 … 68 (charges) and 70 … 78 (produits), and below the result the
 * contributions volontaires en nature, 86 (emplois) and 87 (ressources). The classes the forms do
 * not print (69 impôt sur les sociétés, 71/72 production, 79 transferts de charges) get their own
 * row when they hold something, so the totals always tie to the compte de résultat.
 */

export type BudgetSide = "charges" | "produits" | "emplois" | "ressources";

export interface CerfaRow {
  rubrique: string;
  label: string;
  side: BudgetSide;
  /** Printed even when empty (the form's own rows). */
  always: boolean;
}

const row = (rubrique: string, side: BudgetSide, label: string, always = true): CerfaRow => ({ rubrique, label, side, always });

/** In the order the forms print them. */
export const CERFA_ROWS: readonly CerfaRow[] = [
  row("60", "charges", "Achats"),
  row("61", "charges", "Services extérieurs"),
  row("62", "charges", "Autres services extérieurs"),
  row("63", "charges", "Impôts et taxes"),
  row("64", "charges", "Charges de personnel"),
  row("65", "charges", "Autres charges de gestion courante"),
  row("66", "charges", "Charges financières"),
  row("67", "charges", "Charges exceptionnelles"),
  row("68", "charges", "Dotations aux amortissements, provisions et engagements"),
  row("69", "charges", "Impôts sur les bénéfices", false),
  row("70", "produits", "Ventes de produits finis, de marchandises, prestations de services"),
  row("71", "produits", "Production stockée", false),
  row("72", "produits", "Production immobilisée", false),
  row("73", "produits", "Dotations et produits de tarification"),
  row("74", "produits", "Subventions d'exploitation (dont aides privées des fondations)"),
  row("75", "produits", "Autres produits de gestion courante"),
  row("76", "produits", "Produits financiers"),
  row("77", "produits", "Produits exceptionnels"),
  row("78", "produits", "Reprises sur amortissements et provisions"),
  row("79", "produits", "Transferts de charges", false),
  row("86", "emplois", "Emplois des contributions volontaires en nature"),
  row("87", "ressources", "Contributions volontaires en nature"),
];

const byRubrique = new Map(CERFA_ROWS.map((r) => [r.rubrique, r]));

/**
 * The row an account goes to (its first two digits), or undefined outside classes 6, 7, 86, 87. The
 * contributions financières of foundations and other bodies (7551) go to 74: the forms print them
 * there, as « Aides privées (fondation) » among the subventions d'exploitation (bug: they went to 75,
 * where a funder reading the form looks for cotisations and gifts).
 */
export function cerfaRowOf(account: string): CerfaRow | undefined {
  return byRubrique.get(account.startsWith("7551") ? "74" : account.slice(0, 2));
}

/** Whether an account may carry a budget (classes 6 and 7, 86 and 87). */
export const isBudgetAccount = (account: string) => cerfaRowOf(account) !== undefined;

/** The amount as its side expects it (a charge or an emploi positive when debited), from debit − credit. */
export const sideAmount = (side: BudgetSide, balance: number) => (side === "charges" || side === "emplois" ? balance : -balance) || 0;
