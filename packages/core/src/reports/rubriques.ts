/**
 * Where each account goes in the annual statements (ANC regulation 2018-06): the compte de
 * résultat's rubriques, the bilan's rubriques (fonds propres, fonds reportés et dédiés, provisions,
 * dettes; no "capital"), and the contributions volontaires en nature shown below the result.
 *
 * The mapping is data: a list of account prefixes. An account takes the rubrique of its LONGEST
 * matching prefix, so a sub-account the treasurer adds (`6226100`, `75511`) falls under its parent.
 * Accounts of classes 4 and 5 whose side depends on their balance (a supplier paid in advance, a
 * bank overdraft) name one rubrique for a debit balance and one for a credit balance.
 * `rubriques.test.ts` checks that every account of the chart has a rubrique.
 */

export type Statement = "resultat" | "bilan" | "cvn";
/** compte de résultat: produits / charges; bilan: actif / passif; cvn: ressources / emplois. */
export type Side = "produits" | "charges" | "actif" | "passif" | "ressources" | "emplois";

export interface Rubrique {
  id: string;
  label: string;
  statement: Statement;
  side: Side;
  /** The part of the statement it belongs to (exploitation, financier, exceptionnel; fonds propres, dettes…). */
  section: string;
}

const r = (id: string, statement: Statement, side: Side, section: string, label: string): Rubrique => ({ id, label, statement, side, section });

/** The rubriques, in the order the statements print them. */
export const RUBRIQUES: readonly Rubrique[] = [
  // ---- compte de résultat: produits
  r("cotisations", "resultat", "produits", "exploitation", "Cotisations"),
  r("ventes", "resultat", "produits", "exploitation", "Ventes de biens et services"),
  r("production", "resultat", "produits", "exploitation", "Production stockée et immobilisée"),
  r("subventions", "resultat", "produits", "exploitation", "Concours publics et subventions d'exploitation"),
  r("generosite", "resultat", "produits", "exploitation", "Ressources liées à la générosité du public"),
  r("contributions", "resultat", "produits", "exploitation", "Contributions financières"),
  r("reprises", "resultat", "produits", "exploitation", "Reprises sur amortissements, dépréciations, provisions et transferts de charges"),
  r("utilisations-fonds-dedies", "resultat", "produits", "exploitation", "Utilisations des fonds dédiés"),
  r("autres-produits", "resultat", "produits", "exploitation", "Autres produits"),
  r("produits-financiers", "resultat", "produits", "financier", "Produits financiers"),
  r("produits-exceptionnels", "resultat", "produits", "exceptionnel", "Produits exceptionnels"),
  // ---- compte de résultat: charges
  r("achats", "resultat", "charges", "exploitation", "Achats de marchandises et d'approvisionnements (y compris variation de stocks)"),
  r("charges-externes", "resultat", "charges", "exploitation", "Autres achats et charges externes"),
  r("aides-financieres", "resultat", "charges", "exploitation", "Aides financières"),
  r("impots-taxes", "resultat", "charges", "exploitation", "Impôts, taxes et versements assimilés"),
  r("salaires", "resultat", "charges", "exploitation", "Salaires et traitements"),
  r("charges-sociales", "resultat", "charges", "exploitation", "Charges sociales"),
  r("dotations", "resultat", "charges", "exploitation", "Dotations aux amortissements, dépréciations et provisions"),
  r("reports-fonds-dedies", "resultat", "charges", "exploitation", "Reports en fonds dédiés"),
  r("autres-charges", "resultat", "charges", "exploitation", "Autres charges"),
  r("charges-financieres", "resultat", "charges", "financier", "Charges financières"),
  r("charges-exceptionnelles", "resultat", "charges", "exceptionnel", "Charges exceptionnelles"),
  r("impot-societes", "resultat", "charges", "impot", "Impôts sur les sociétés"),
  // ---- contributions volontaires en nature (below the result, outside its totals)
  r("cvn-ressources", "cvn", "ressources", "cvn", "Contributions volontaires en nature (ressources)"),
  r("cvn-emplois", "cvn", "emplois", "cvn", "Contributions volontaires en nature (emplois)"),
  // ---- bilan: actif
  r("immobilisations-incorporelles", "bilan", "actif", "actif-immobilise", "Immobilisations incorporelles"),
  r("immobilisations-corporelles", "bilan", "actif", "actif-immobilise", "Immobilisations corporelles"),
  r("immobilisations-financieres", "bilan", "actif", "actif-immobilise", "Immobilisations financières"),
  r("stocks", "bilan", "actif", "actif-circulant", "Stocks et en-cours"),
  r("creances-usagers", "bilan", "actif", "actif-circulant", "Créances usagers et comptes rattachés"),
  r("autres-creances", "bilan", "actif", "actif-circulant", "Autres créances"),
  r("placements", "bilan", "actif", "actif-circulant", "Valeurs mobilières de placement"),
  r("disponibilites", "bilan", "actif", "actif-circulant", "Disponibilités"),
  r("charges-constatees-avance", "bilan", "actif", "actif-circulant", "Charges constatées d'avance"),
  // ---- bilan: passif
  r("fonds-propres-sans-reprise", "bilan", "passif", "fonds-propres", "Fonds propres sans droit de reprise"),
  r("fonds-propres-avec-reprise", "bilan", "passif", "fonds-propres", "Fonds propres avec droit de reprise"),
  r("ecarts-reevaluation", "bilan", "passif", "fonds-propres", "Écarts de réévaluation"),
  r("reserves", "bilan", "passif", "fonds-propres", "Réserves"),
  r("report-a-nouveau", "bilan", "passif", "fonds-propres", "Report à nouveau"),
  r("resultat-anterieur", "bilan", "passif", "fonds-propres", "Résultat antérieur en attente d'affectation"),
  r("resultat-exercice", "bilan", "passif", "fonds-propres", "Excédent ou déficit de l'exercice"),
  r("subventions-investissement", "bilan", "passif", "fonds-propres", "Subventions d'investissement"),
  r("provisions-reglementees", "bilan", "passif", "fonds-propres", "Provisions réglementées"),
  r("fonds-reportes", "bilan", "passif", "fonds-reportes-dedies", "Fonds reportés liés aux legs ou donations"),
  r("fonds-dedies", "bilan", "passif", "fonds-reportes-dedies", "Fonds dédiés"),
  r("provisions", "bilan", "passif", "provisions", "Provisions pour risques et charges"),
  r("emprunts", "bilan", "passif", "dettes", "Emprunts et dettes auprès des établissements de crédit"),
  r("dettes-fournisseurs", "bilan", "passif", "dettes", "Dettes fournisseurs et comptes rattachés"),
  r("dettes-fiscales-sociales", "bilan", "passif", "dettes", "Dettes fiscales et sociales"),
  r("autres-dettes", "bilan", "passif", "dettes", "Autres dettes"),
  r("produits-constates-avance", "bilan", "passif", "dettes", "Produits constatés d'avance"),
];

export const SECTION_LABELS: Record<string, string> = {
  exploitation: "Exploitation",
  financier: "Financier",
  exceptionnel: "Exceptionnel",
  impot: "Impôts sur les sociétés",
  cvn: "Contributions volontaires en nature",
  "actif-immobilise": "Actif immobilisé",
  "actif-circulant": "Actif circulant",
  "fonds-propres": "Fonds propres",
  "fonds-reportes-dedies": "Fonds reportés et dédiés",
  provisions: "Provisions",
  dettes: "Dettes",
};

/** One rubrique, or one for a debit balance and one for a credit balance. */
export type Target = string | { debit: string; credit: string };

/** Account prefix → rubrique. The longest prefix that matches wins. */
export const ACCOUNT_MAP: ReadonlyArray<readonly [prefix: string, target: Target]> = [
  // class 1: fonds propres, fonds reportés et dédiés, provisions, emprunts
  ["10", "fonds-propres-sans-reprise"],
  ["102", "fonds-propres-sans-reprise"],
  ["103", "fonds-propres-avec-reprise"],
  ["105", "ecarts-reevaluation"],
  ["106", "reserves"],
  ["11", "report-a-nouveau"],
  ["12", "resultat-anterieur"],
  ["13", "subventions-investissement"],
  ["14", "provisions-reglementees"],
  ["15", "provisions"],
  ["16", "emprunts"],
  ["17", "autres-dettes"],
  ["18", "autres-dettes"],
  ["19", "fonds-dedies"],
  ["191", "fonds-reportes"],
  // class 2: immobilisations (amortisations 28x reduce them: net values)
  ["20", "immobilisations-incorporelles"],
  ["280", "immobilisations-incorporelles"],
  ["290", "immobilisations-incorporelles"],
  ["21", "immobilisations-corporelles"],
  ["22", "immobilisations-corporelles"],
  ["23", "immobilisations-corporelles"],
  ["28", "immobilisations-corporelles"],
  ["29", "immobilisations-corporelles"],
  ["24", "immobilisations-corporelles"],
  ["25", "immobilisations-financieres"],
  ["26", "immobilisations-financieres"],
  ["27", "immobilisations-financieres"],
  ["296", "immobilisations-financieres"],
  ["297", "immobilisations-financieres"],
  // class 3
  ["3", "stocks"],
  // class 4: the side follows the balance
  ["40", { debit: "autres-creances", credit: "dettes-fournisseurs" }],
  ["41", { debit: "creances-usagers", credit: "autres-dettes" }],
  ["42", { debit: "autres-creances", credit: "dettes-fiscales-sociales" }],
  ["43", { debit: "autres-creances", credit: "dettes-fiscales-sociales" }],
  ["44", { debit: "autres-creances", credit: "dettes-fiscales-sociales" }],
  ["45", { debit: "autres-creances", credit: "autres-dettes" }],
  ["46", { debit: "autres-creances", credit: "autres-dettes" }],
  ["47", { debit: "autres-creances", credit: "autres-dettes" }],
  ["48", { debit: "autres-creances", credit: "autres-dettes" }],
  ["486", "charges-constatees-avance"],
  ["487", "produits-constates-avance"],
  ["49", "autres-creances"],
  // class 5
  ["50", "placements"],
  ["51", { debit: "disponibilites", credit: "emprunts" }],
  ["53", { debit: "disponibilites", credit: "autres-dettes" }],
  ["54", { debit: "disponibilites", credit: "autres-dettes" }],
  ["58", { debit: "disponibilites", credit: "autres-dettes" }],
  ["59", "placements"],
  // class 6: charges
  ["60", "achats"],
  ["604", "charges-externes"],
  ["605", "charges-externes"],
  ["606", "charges-externes"],
  ["608", "charges-externes"],
  ["61", "charges-externes"],
  ["62", "charges-externes"],
  ["63", "impots-taxes"],
  ["64", "salaires"],
  ["645", "charges-sociales"],
  ["646", "charges-sociales"],
  ["647", "charges-sociales"],
  ["648", "charges-sociales"],
  ["65", "autres-charges"],
  ["657", "aides-financieres"],
  ["66", "charges-financieres"],
  ["67", "charges-exceptionnelles"],
  ["68", "dotations"],
  ["686", "charges-financieres"],
  ["687", "charges-exceptionnelles"],
  ["689", "reports-fonds-dedies"],
  ["69", "impot-societes"],
  // class 7: produits
  ["70", "ventes"],
  ["71", "production"],
  ["72", "production"],
  ["73", "autres-produits"],
  ["74", "subventions"],
  ["75", "autres-produits"],
  ["754", "generosite"],
  ["755", "contributions"],
  ["756", "cotisations"],
  ["76", "produits-financiers"],
  ["77", "produits-exceptionnels"],
  ["78", "reprises"],
  ["786", "produits-financiers"],
  ["787", "produits-exceptionnels"],
  ["789", "utilisations-fonds-dedies"],
  ["79", "reprises"],
  ["796", "produits-financiers"],
  ["797", "produits-exceptionnels"],
  // class 8: contributions volontaires en nature; 89 is the opening balance sheet's suspense account
  ["86", "cvn-emplois"],
  ["87", "cvn-ressources"],
  ["89", { debit: "autres-creances", credit: "autres-dettes" }],
];

const byId = new Map(RUBRIQUES.map((x) => [x.id, x]));
const byPrefix = new Map(ACCOUNT_MAP.map(([p, t]) => [p, t]));

export function rubrique(id: string): Rubrique {
  const x = byId.get(id);
  if (!x) throw new Error(`unknown rubrique ${id}`);
  return x;
}

/** The mapping target of an account: its longest known prefix's. Undefined when none matches. */
export function targetOf(account: string): Target | undefined {
  for (let n = account.length; n >= 1; n--) {
    const t = byPrefix.get(account.slice(0, n));
    if (t !== undefined) return t;
  }
  return undefined;
}

/** The rubrique an account's balance (debit − credit, cents) goes to. */
export function rubriqueOf(account: string, balance = 0): Rubrique | undefined {
  const t = targetOf(account);
  if (t === undefined) return undefined;
  return rubrique(typeof t === "string" ? t : balance >= 0 ? t.debit : t.credit);
}
