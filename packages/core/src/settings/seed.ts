/**
 * The first values of a new deployment: the old environment variables (ASSO_*, MEMBERSHIP_TIERS,
 * BANK_ACCOUNTS, FISCAL_YEAR_START_MONTH, CHECKOUT_*…), read as a section's value while that section
 * has never been saved. Once the section is saved (in the console, or by `npm run dev`'s demo), the
 * variable is ignored.
 */
import { loadBankAccounts } from "../bank/index.js";
import { fiscalStartMonth } from "../dates.js";
import { DEFAULT_TIERS, loadAbuseSettings, parseTiers } from "../giving/index.js";
import { loadReceiptSettings } from "../receipts/index.js";
import { SECTION_SCHEMAS, type Section, type SettingsValues } from "./schemas.js";

const parse = <S extends Section>(section: S, value: unknown): SettingsValues[S] => {
  const r = SECTION_SCHEMAS[section].safeParse(value);
  return (r.success ? r.data : SECTION_SCHEMAS[section].parse({})) as SettingsValues[S];
};

const tryOr = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

/** The identity as the environment gives it (demo values in development, as receipts have them). */
export function seedIdentity(env: Record<string, string | undefined>): SettingsValues["identity"] {
  const r = loadReceiptSettings(env);
  const a = r.issuer.association;
  const organism = env.ASSO_ART978_ORGANISM?.trim() ?? "";
  const value = {
    name: a.name,
    object: a.object,
    address: a.address,
    siren: a.siren ?? "",
    rna: a.rna ?? "",
    creationDate: "",
    category: a.category,
    articles: r.issuer.articles.length ? r.issuer.articles.filter((x) => x !== "238 bis") : ["200"],
    art978Organism: organism,
    reductionRate: r.reductionRate,
    signatory: r.issuer.signatory,
    receiptsEnabled: r.enabled,
  };
  const parsed = SECTION_SCHEMAS.identity.safeParse(value);
  if (parsed.success) return parsed.data;
  // An incomplete identity with receipts on (a deploy missing a variable): shown as it is, receipts off.
  const off = SECTION_SCHEMAS.identity.safeParse({ ...value, receiptsEnabled: false });
  return off.success ? off.data : parse("identity", {});
}

export function seedValue<S extends Section>(section: S, env: Record<string, string | undefined> = process.env): SettingsValues[S] {
  switch (section) {
    case "identity":
      return seedIdentity(env) as SettingsValues[S];
    case "year":
      return parse(section, { startMonth: tryOr(() => fiscalStartMonth(env), 1) });
    case "bank-accounts":
      return parse(section, { accounts: tryOr(() => loadBankAccounts(env), []) });
    case "membership-tiers":
      return parse(section, { tiers: tryOr(() => parseTiers(env.MEMBERSHIP_TIERS), DEFAULT_TIERS) });
    case "checkout": {
      const a = tryOr(() => loadAbuseSettings(env), loadAbuseSettings({}));
      return parse(section, {
        ipBurst: a.perIp.burst,
        ipPerMinute: Math.round(a.perIp.perSecond * 60 * 1000) / 1000,
        globalBurst: a.global.burst,
        globalPerSecond: a.global.perSecond,
      });
    }
    default:
      return parse(section, {});
  }
}
