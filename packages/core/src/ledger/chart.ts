/**
 * The association chart of accounts (plan comptable des associations, ANC regulation 2018-06),
 * seeded from the project's reference notes. The trésorier may open any other account of the ANC
 * 2018-06 list (`anc-2018-06.ts`) and sub-accounts: a sub-account's number extends an existing or
 * listed account's number (6226 → 62261); each belongs to the class of its first digit. Pure: the custom accounts are read by `accounts.ts` and handed to `Chart`.
 */
import { ConflictError, ValidationError } from "../errors.js";
import { ancAccount, ancParentOf } from "./anc-2018-06.js";

export interface Account {
  number: string;
  label: string;
  /** 1–8: the account's class (first digit). */
  class: number;
  /** Added by the association (a sub-account), not part of the seeded chart. */
  custom?: boolean;
  /** The account it extends (custom accounts only). */
  parent?: string;
}

const seed: Array<[string, string]> = [
  ["102", "Fonds propres sans droit de reprise"],
  ["106", "Réserves"],
  ["110", "Report à nouveau (solde créditeur)"],
  ["119", "Report à nouveau (solde débiteur)"],
  ["120", "Résultat de l'exercice (excédent)"],
  ["129", "Résultat de l'exercice (déficit)"],
  ["131", "Subventions d'équipement"],
  ["151", "Provisions pour risques"],
  ["164", "Emprunts auprès des établissements de crédit"],
  ["194", "Fonds dédiés sur subventions d'exploitation"],
  ["195", "Fonds dédiés sur contributions financières d'autres organismes"],
  ["196", "Fonds dédiés sur ressources liées à la générosité du public"],
  ["205", "Concessions, logiciels et droits similaires"],
  ["2183", "Matériel de bureau et matériel informatique"],
  ["2184", "Mobilier"],
  ["275", "Dépôts et cautionnements versés"],
  ["2805", "Amortissements des logiciels"],
  ["28183", "Amortissements du matériel de bureau et informatique"],
  ["28184", "Amortissements du mobilier"],
  ["401", "Fournisseurs"],
  ["408", "Fournisseurs - factures non parvenues"],
  ["411", "Usagers"],
  ["421", "Personnel - rémunérations dues"],
  ["431", "Sécurité sociale"],
  ["437", "Autres organismes sociaux"],
  ["441", "État - subventions à recevoir"],
  ["4421", "État - prélèvements à la source (impôt sur le revenu)"],
  ["467", "Autres comptes débiteurs ou créditeurs"],
  ["4671", "Stripe - fonds en transit"],
  ["4686", "Charges à payer"],
  ["4687", "Produits à recevoir"],
  ["471", "Compte d'attente"],
  ["486", "Charges constatées d'avance"],
  ["487", "Produits constatés d'avance"],
  ["512", "Banque"],
  ["5121", "Banque - second compte"],
  ["530", "Caisse"],
  ["580", "Virements internes"],
  ["604", "Achats d'études et prestations de services"],
  ["606", "Achats non stockés de matières et fournitures"],
  ["6061", "Fournitures non stockables (eau, énergie)"],
  ["6064", "Fournitures administratives"],
  ["613", "Locations"],
  ["6132", "Locations immobilières"],
  ["6135", "Locations mobilières"],
  ["615", "Entretien et réparations"],
  ["616", "Primes d'assurance"],
  ["618", "Divers (documentation, colloques)"],
  ["622", "Rémunérations d'intermédiaires et honoraires"],
  ["6226", "Honoraires"],
  ["623", "Publicité, publications, relations publiques"],
  ["6231", "Annonces et insertions"],
  ["625", "Déplacements, missions et réceptions"],
  ["6251", "Voyages et déplacements"],
  ["6257", "Réceptions"],
  ["626", "Frais postaux et de télécommunications"],
  ["627", "Services bancaires et assimilés"],
  ["628", "Divers"],
  ["6281", "Cotisations versées"],
  ["631", "Impôts, taxes et versements assimilés sur rémunérations"],
  ["635", "Autres impôts, taxes et versements assimilés"],
  ["641", "Rémunérations du personnel"],
  ["645", "Charges de sécurité sociale et de prévoyance"],
  ["651", "Redevances pour concessions, brevets, licences, logiciels"],
  ["657", "Aides financières versées"],
  ["658", "Charges diverses de gestion courante"],
  ["661", "Charges d'intérêts"],
  ["671", "Charges exceptionnelles sur opérations de gestion"],
  ["681", "Dotations aux amortissements, dépréciations et provisions"],
  ["6811", "Dotations aux amortissements"],
  ["6894", "Reports en fonds dédiés sur subventions d'exploitation"],
  ["6895", "Reports en fonds dédiés sur contributions financières d'autres organismes"],
  ["6896", "Reports en fonds dédiés sur ressources liées à la générosité du public"],
  ["706", "Prestations de services"],
  ["741", "Subventions d'exploitation de l'État"],
  ["742", "Subventions d'exploitation des collectivités territoriales"],
  ["746", "Subventions d'exploitation de l'Union européenne"],
  ["754", "Ressources liées à la générosité du public"],
  ["7541", "Dons manuels"],
  ["7542", "Mécénat"],
  ["7543", "Legs, donations et assurances-vie"],
  ["755", "Contributions financières d'autres organismes"],
  ["7551", "Contributions financières de fondations, fonds de dotation et associations"],
  ["756", "Cotisations"],
  ["7561", "Cotisations sans contrepartie"],
  ["7562", "Cotisations avec contrepartie"],
  ["758", "Produits divers de gestion courante"],
  ["768", "Autres produits financiers"],
  ["771", "Produits exceptionnels sur opérations de gestion"],
  ["781", "Reprises sur amortissements, dépréciations et provisions"],
  ["7894", "Utilisations des fonds dédiés sur subventions d'exploitation"],
  ["7895", "Utilisations des fonds dédiés sur contributions financières d'autres organismes"],
  ["7896", "Utilisations des fonds dédiés sur ressources liées à la générosité du public"],
  ["860", "Secours en nature, dons en nature"],
  ["861", "Mise à disposition gratuite de biens"],
  ["862", "Prestations"],
  ["864", "Personnel bénévole"],
  ["870", "Dons en nature"],
  ["871", "Prestations en nature"],
  ["875", "Bénévolat"],
  ["890", "Bilan d'ouverture"],
];

export const chartOfAccounts: readonly Account[] = seed.map(([number, label]) => ({
  number,
  label,
  class: Number(number[0]),
}));

const byNumber = new Map(chartOfAccounts.map((a) => [a.number, a]));

/** A seeded account (custom accounts: `Chart.find`, or `accountExists` in accounts.ts). */
export function findAccount(number: string): Account | undefined {
  return byNumber.get(number);
}

/** The classes of the chart: 1–7 (balance sheet and income statement), 8 (contributions in kind). */
export const CLASSES = [1, 2, 3, 4, 5, 6, 7, 8] as const;

/** The seeded chart with the association's own sub-accounts. */
export class Chart {
  private readonly accounts: Map<string, Account>;
  constructor(custom: readonly Account[] = []) {
    this.accounts = new Map(byNumber);
    for (const a of custom) if (!this.accounts.has(a.number)) this.accounts.set(a.number, a);
  }
  find(number: string): Account | undefined {
    return this.accounts.get(number);
  }
  /** The account's label, or its number when it is unknown. */
  label(number: string): string {
    return this.accounts.get(number)?.label ?? number;
  }
  /** Every account, by number. */
  list(): Account[] {
    return [...this.accounts.values()].sort((a, b) => a.number.localeCompare(b.number));
  }
  /** The account a new number extends: the longest existing account number it starts with. */
  parentOf(number: string): Account | undefined {
    for (let n = number.length - 1; n >= 3; n--) {
      const parent = this.accounts.get(number.slice(0, n));
      if (parent) return parent;
    }
    return undefined;
  }
}

/**
 * Checks a new account against the chart and answers it: an account of the ANC 2018-06 list
 * (445x VAT, 455, 708x, 2x fixed assets…), or a sub-account extending an existing or listed account
 * (6226 → 62261). 400 when its class does not exist or it is neither; 409 when the number is taken.
 */
export function newSubAccount(chart: Chart, number: string, label: string): Account {
  const cls = Number(number[0]);
  if (!/^\d{3,10}$/.test(number))
    throw new ValidationError([{ path: "number", message: "must be 3 to 10 digits: an account of the chart (ANC 2018-06) or one extending it" }]);
  if (!(CLASSES as readonly number[]).includes(cls))
    throw new ValidationError([{ path: "number", message: `class ${number[0]} does not exist in the association chart (classes 1 to 8)` }]);
  const existing = chart.find(number);
  if (existing) throw new ConflictError(`Account ${number} already exists (${existing.label}).`, { number });
  const parent = chart.parentOf(number)?.number ?? ancParentOf(number.slice(0, -1));
  if (!parent && !ancAccount(number))
    throw new ValidationError([
      {
        path: "number",
        message: `must extend an existing account (6226 → 62261) or be an account of the association chart ANC 2018-06 (44566, 455, 7088…); no account of class ${cls} starts ${number}`,
      },
    ]);
  return { number, label, class: cls, custom: true, ...(parent ? { parent } : {}) };
}
