/**
 * The association chart of accounts (plan comptable des associations, ANC regulation 2018-06),
 * seeded from the project's reference notes. The treasurer may add sub-accounts later; a
 * sub-account belongs to the class of its first digit.
 */
export interface Account {
  number: string;
  label: string;
  /** 1–8: the account's class (first digit). */
  class: number;
}

const seed: Array<[string, string]> = [
  ["102", "Fonds propres sans droit de reprise"],
  ["106", "Réserves"],
  ["110", "Report à nouveau (solde créditeur)"],
  ["119", "Report à nouveau (solde débiteur)"],
  ["120", "Résultat de l'exercice (excédent)"],
  ["129", "Résultat de l'exercice (déficit)"],
  ["194", "Fonds dédiés sur subventions d'exploitation"],
  ["195", "Fonds dédiés sur contributions financières d'autres organismes"],
  ["196", "Fonds dédiés sur ressources liées à la générosité du public"],
  ["401", "Fournisseurs"],
  ["408", "Fournisseurs - factures non parvenues"],
  ["411", "Usagers"],
  ["421", "Personnel - rémunérations dues"],
  ["431", "Sécurité sociale"],
  ["441", "État - subventions à recevoir"],
  ["467", "Autres comptes débiteurs ou créditeurs"],
  ["4671", "Stripe - fonds en transit"],
  ["4686", "Charges à payer"],
  ["4687", "Produits à recevoir"],
  ["486", "Charges constatées d'avance"],
  ["487", "Produits constatés d'avance"],
  ["512", "Banque"],
  ["530", "Caisse"],
  ["580", "Virements internes"],
  ["604", "Achats d'études et prestations de services"],
  ["606", "Achats non stockés de matières et fournitures"],
  ["6061", "Fournitures non stockables (eau, énergie)"],
  ["6064", "Fournitures administratives"],
  ["613", "Locations"],
  ["6132", "Locations immobilières"],
  ["616", "Primes d'assurance"],
  ["622", "Rémunérations d'intermédiaires et honoraires"],
  ["6226", "Honoraires"],
  ["623", "Publicité, publications, relations publiques"],
  ["625", "Déplacements, missions et réceptions"],
  ["626", "Frais postaux et de télécommunications"],
  ["627", "Services bancaires et assimilés"],
  ["628", "Divers"],
  ["6281", "Cotisations versées"],
  ["641", "Rémunérations du personnel"],
  ["645", "Charges de sécurité sociale et de prévoyance"],
  ["6811", "Dotations aux amortissements"],
  ["6894", "Reports en fonds dédiés sur subventions d'exploitation"],
  ["6895", "Reports en fonds dédiés sur contributions financières d'autres organismes"],
  ["6896", "Reports en fonds dédiés sur ressources liées à la générosité du public"],
  ["706", "Prestations de services"],
  ["741", "Subventions d'exploitation"],
  ["754", "Ressources liées à la générosité du public"],
  ["7541", "Dons manuels"],
  ["7542", "Mécénat"],
  ["7543", "Legs, donations et assurances-vie"],
  ["755", "Contributions financières d'autres organismes"],
  ["756", "Cotisations"],
  ["7561", "Cotisations sans contrepartie"],
  ["7562", "Cotisations avec contrepartie"],
  ["7894", "Utilisations des fonds dédiés sur subventions d'exploitation"],
  ["7895", "Utilisations des fonds dédiés sur contributions financières d'autres organismes"],
  ["7896", "Utilisations des fonds dédiés sur ressources liées à la générosité du public"],
  ["860", "Secours en nature, dons en nature"],
  ["861", "Mise à disposition gratuite de biens"],
  ["864", "Personnel bénévole"],
  ["870", "Bénévolat"],
  ["871", "Prestations en nature"],
  ["875", "Dons en nature"],
  ["890", "Bilan d'ouverture"],
];

export const chartOfAccounts: readonly Account[] = seed.map(([number, label]) => ({
  number,
  label,
  class: Number(number[0]),
}));

const byNumber = new Map(chartOfAccounts.map((a) => [a.number, a]));

export function findAccount(number: string): Account | undefined {
  return byNumber.get(number);
}
