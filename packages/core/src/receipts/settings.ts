/**
 * What a tax receipt needs from the association's settings (environment variables the stack
 * passes): whether it may issue receipts at all, the articles of the CGI its gifts fall under,
 * its identity and the signatory. Read on every issue; what is printed is then frozen on the
 * receipt (see `Issuer`), so a later change of settings never changes an issued receipt.
 *
 * In development (`STAGE` unset or `dev`) demonstration values stand in for a missing identity and
 * receipts are on by default. In any other stage nothing stands in: receipts are off unless
 * `RECEIPTS_ENABLED=true`, and issuing refuses (409) while a setting is missing or wrong, naming
 * each one.
 *
 * | setting | meaning |
 * | --- | --- |
 * | `RECEIPTS_ENABLED` | `true` / `false`; default `true` in dev, `false` elsewhere |
 * | `ASSO_NAME`, `ASSO_ADDRESS`, `ASSO_OBJECT` | the beneficiary's identity, printed |
 * | `ASSO_SIREN` and/or `ASSO_RNA` | 9 digits / `W` + 9 digits; one at least |
 * | `ASSO_CATEGORY` | its quality (default "Œuvre ou organisme d'intérêt général") |
 * | `ASSO_SIGNATORY_NAME`, `ASSO_SIGNATORY_QUALITY` | who signs (quality: "Trésorière", "Président"…; `ASSO_SIGNATORY` is read as the quality when the latter is unset) |
 * | `RECEIPT_ARTICLES` | articles ticked, comma separated: `200` (default), `978`; `238 bis` is for company receipts (CERFA 16216), not built |
 * | `ASSO_ART978_ORGANISM` | required with `978`: which organism named by art. 978 CGI the association is |
 * | `TAX_REDUCTION_PERCENT` | 66 (default) or 75 (organisms helping people in difficulty, art. 200-1 ter) |
 */
import { ConflictError } from "../errors.js";

export type Article = "200" | "238 bis" | "978";
export const ARTICLES: readonly Article[] = ["200", "238 bis", "978"];

/** The organisms art. 978 CGI (IFI reduction) names; the setting `ASSO_ART978_ORGANISM` is one of these. */
export const ART978_ORGANISMS = {
  "recherche-enseignement": "Établissement de recherche ou d'enseignement supérieur ou artistique, d'intérêt général, à but non lucratif",
  "fondation-rup": "Fondation reconnue d'utilité publique",
  "fondation-universitaire": "Fondation universitaire ou fondation partenariale",
  insertion: "Structure d'insertion par l'activité économique (entreprise d'insertion, association intermédiaire, atelier et chantier d'insertion…)",
  "entreprise-adaptee": "Entreprise adaptée",
  anr: "Agence nationale de la recherche",
  "association-rup-entreprises": "Association reconnue d'utilité publique de financement et d'accompagnement de la création et de la reprise d'entreprises",
  "groupement-employeurs": "Groupement d'employeurs pour l'insertion et la qualification",
} as const;

/** Everything of the settings a receipt prints: frozen on the receipt when it is issued. */
export interface Issuer {
  association: { name: string; address: string; object: string; category: string; siren?: string; rna?: string };
  signatory: { name: string; quality: string };
  /** The articles ticked on the receipt. */
  articles: Article[];
}

export interface ReceiptSettings {
  enabled: boolean;
  /** The income-tax reduction rate shown to donors: 66, or 75 for organisms helping people in difficulty. */
  reductionRate: 66 | 75;
  issuer: Issuer;
  /** Settings missing in a non-dev stage (issuing refuses while any is missing). */
  missing: string[];
  /** Settings whose value is wrong, with the reason. */
  invalid: Array<{ setting: string; message: string }>;
}

const DEMO = {
  name: "Association de démonstration",
  address: "1 rue de la Transition, 75011 Paris",
  object: "Mobiliser l'épargne citoyenne au service des organisations de la transition juste",
  siren: "000000000",
  signatoryName: "Camille Démo",
  signatoryQuality: "Trésorière",
};

/** Development: `STAGE` unset or `dev`. */
export const isDevelopment = (env: Record<string, string | undefined>) => !env.STAGE || env.STAGE === "dev";

const given = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

export function loadReceiptSettings(env: Record<string, string | undefined> = process.env): ReceiptSettings {
  const dev = isDevelopment(env);
  const missing: string[] = [];
  const invalid: ReceiptSettings["invalid"] = [];
  const need = (setting: string, demo: string) => {
    const v = given(env[setting]);
    if (v !== undefined) return v;
    if (!dev) missing.push(setting);
    return dev ? demo : "";
  };

  const enabledRaw = given(env.RECEIPTS_ENABLED);
  if (enabledRaw !== undefined && enabledRaw !== "true" && enabledRaw !== "false")
    invalid.push({ setting: "RECEIPTS_ENABLED", message: "must be true or false" });
  const enabled = enabledRaw === undefined ? dev : enabledRaw === "true";

  const rateRaw = given(env.TAX_REDUCTION_PERCENT) ?? "66";
  if (rateRaw !== "66" && rateRaw !== "75") invalid.push({ setting: "TAX_REDUCTION_PERCENT", message: "must be 66 or 75" });
  const reductionRate = rateRaw === "75" ? 75 : 66;

  const name = need("ASSO_NAME", DEMO.name);
  const address = need("ASSO_ADDRESS", DEMO.address);
  const object = need("ASSO_OBJECT", DEMO.object);
  const category = given(env.ASSO_CATEGORY) ?? "Œuvre ou organisme d'intérêt général";
  let siren = given(env.ASSO_SIREN)?.replace(/\s/g, "");
  const rna = given(env.ASSO_RNA)?.toUpperCase();
  if (siren !== undefined && !/^\d{9}$/.test(siren)) invalid.push({ setting: "ASSO_SIREN", message: "must be 9 digits" });
  if (rna !== undefined && !/^W\d{9}$/.test(rna)) invalid.push({ setting: "ASSO_RNA", message: "must be W followed by 9 digits" });
  if (siren === undefined && rna === undefined) {
    if (dev) siren = DEMO.siren;
    else missing.push("ASSO_SIREN or ASSO_RNA");
  }
  const signatoryName = need("ASSO_SIGNATORY_NAME", DEMO.signatoryName);
  const quality = given(env.ASSO_SIGNATORY_QUALITY) ?? given(env.ASSO_SIGNATORY);
  if (quality === undefined && !dev) missing.push("ASSO_SIGNATORY_QUALITY");
  const signatoryQuality = quality ?? (dev ? DEMO.signatoryQuality : "");

  const articles: Article[] = [];
  for (const raw of (given(env.RECEIPT_ARTICLES) ?? "200").split(",")) {
    const a = raw
      .trim()
      .replace(/\s+/g, " ")
      .replace(/^238bis$/i, "238 bis");
    if (!a) continue;
    if (a === "238 bis") invalid.push({ setting: "RECEIPT_ARTICLES", message: "238 bis is for gifts from companies (CERFA 16216), which are not issued here" });
    else if (a !== "200" && a !== "978") invalid.push({ setting: "RECEIPT_ARTICLES", message: `unknown article ${JSON.stringify(a)}; use 200 and/or 978` });
    else if (!articles.includes(a)) articles.push(a);
  }
  if (!articles.length) invalid.push({ setting: "RECEIPT_ARTICLES", message: "must name at least one article (200)" });
  if (articles.includes("978")) {
    const organism = given(env.ASSO_ART978_ORGANISM);
    if (!organism || !(organism in ART978_ORGANISMS))
      invalid.push({
        setting: "ASSO_ART978_ORGANISM",
        message: `article 978 applies only to the organisms it names; set one of ${Object.keys(ART978_ORGANISMS).join(", ")}`,
      });
  }
  articles.sort((a, b) => ARTICLES.indexOf(a) - ARTICLES.indexOf(b));

  return {
    enabled,
    reductionRate,
    issuer: {
      association: { name, address, object, category, ...(siren !== undefined ? { siren } : {}), ...(rna !== undefined ? { rna } : {}) },
      signatory: { name: signatoryName, quality: signatoryQuality },
      articles,
    },
    missing,
    invalid,
  };
}

/** The error every issuing path raises when receipts are off. */
export const receiptsDisabled = () => new ConflictError("This association does not issue tax receipts (setting RECEIPTS_ENABLED).");

/**
 * The issuer to freeze on a new receipt; 409 when receipts are off, or when a setting is missing
 * or wrong (every one is named).
 */
export function issuerFor(settings: ReceiptSettings): Issuer {
  if (!settings.enabled) throw receiptsDisabled();
  const problems = [
    ...(settings.missing.length ? [`missing settings: ${settings.missing.join(", ")}`] : []),
    ...settings.invalid.map((i) => `${i.setting} ${i.message}`),
  ];
  if (problems.length) throw new ConflictError(`Tax receipts cannot be issued until the association's settings are complete: ${problems.join("; ")}.`);
  return settings.issuer;
}
