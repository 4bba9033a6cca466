/**
 * The settings as each domain reads them, in the shapes those domains already take: receipts'
 * `ReceiptSettings`, giving's `GivingSettings`, the bank's accounts, the abuse buckets, the
 * association's identity for documents (FEC file name, report and reconciliation PDFs).
 */
import type { BankAccount } from "../bank/index.js";
import type { AssociationConfig } from "../config.js";
import type { Db } from "../db/index.js";
import { loadAbuseSettings, type AbuseSettings, type GivingSettings, type MembershipTier } from "../giving/index.js";
import type { Article, ReceiptSettings } from "../receipts/index.js";
import { identityMissing, type Identity, type SettingsValues } from "./schemas.js";
import { currentSettings } from "./settings.js";

/** Receipt settings from a saved identity: off until the identity is complete (every missing field named). */
export function receiptSettingsFromIdentity(id: Identity): ReceiptSettings {
  const missing = identityMissing(id).map((f) => `identity.${f}`);
  return {
    enabled: id.receiptsEnabled,
    reductionRate: id.reductionRate,
    issuer: {
      association: {
        name: id.name,
        address: id.address,
        object: id.object,
        category: id.category,
        ...(id.siren ? { siren: id.siren } : {}),
        ...(id.rna ? { rna: id.rna } : {}),
      },
      signatory: { name: id.signatory.name, quality: id.signatory.quality },
      articles: [...id.articles] as Article[],
    },
    missing,
    invalid: [],
  };
}

/** What receipts read: the saved identity, or (never saved) the environment's rules as before. */
export async function receiptSettingsOf(db: Db): Promise<ReceiptSettings | undefined> {
  const c = await currentSettings(db);
  return c.stored.has("identity") ? receiptSettingsFromIdentity(c.values.identity) : undefined;
}

const tiersOf = (v: SettingsValues["membership-tiers"]): (MembershipTier & { active: boolean })[] =>
  v.tiers.map((t) => ({ id: t.id, label: t.label, amount: t.amount, period: t.period, receipt: t.receipt, counterpart: t.counterpart, active: t.active }));

/** What giving reads: every tier (inactive ones too, for payments already under way), receipts, identity. */
export async function givingSettingsOf(db: Db): Promise<Omit<GivingSettings, "tiers"> & { tiers: (MembershipTier & { active: boolean })[] }> {
  const { values } = await currentSettings(db);
  const id = values.identity;
  return {
    tiers: tiersOf(values["membership-tiers"]),
    receiptsEnabled: id.receiptsEnabled && identityMissing(id).length === 0,
    taxReductionPercent: id.reductionRate,
    association: {
      name: id.name,
      address: id.address,
      object: id.object,
      category: id.category,
      signatory: id.signatory.quality || id.signatory.name,
    },
  };
}

/** The tiers offered to new members (active ones). */
export async function activeTiersOf(db: Db): Promise<MembershipTier[]> {
  return (await givingSettingsOf(db)).tiers.filter((t) => t.active).map(({ active: _a, ...t }) => t);
}

/** The giving page's options (presets, monthly) beside the receipt rules. */
export async function givingOptionsOf(db: Db): Promise<SettingsValues["giving"]> {
  return (await currentSettings(db)).values.giving;
}

export async function bankAccountsOf(db: Db): Promise<BankAccount[]> {
  return (await currentSettings(db)).values["bank-accounts"].accounts.map((a) => ({ ...a }));
}

/** The association's identity as documents print it (the FEC's SIREN, report and PDF headers). */
export async function associationOf(db: Db): Promise<AssociationConfig & { rna: string; colour: string; logoKey?: string }> {
  const { values } = await currentSettings(db);
  const id = values.identity;
  const look = values.look;
  return {
    name: id.name,
    siren: id.siren || "000000000",
    address: id.address,
    rna: id.rna,
    colour: look.colour,
    ...(look.logo ? { logoKey: look.logo.key } : {}),
  };
}

/** Who the giving page says is asking (identity, look) and whom to write to about one's data (privacy): public values only. */
export async function publicIdentityOf(db: Db) {
  const { values } = await currentSettings(db);
  const id = values.identity;
  const look = values.look;
  const p = values.privacy;
  return {
    association: {
      name: id.name,
      object: id.object,
      address: id.address,
      category: id.category,
      siren: id.siren,
      rna: id.rna,
      articles: [...id.articles],
      colour: look.colour,
      ...(look.logo ? { logoUrl: `/v1/public/logo?v=${look.logo.sha256.slice(0, 16)}` } : {}),
    },
    privacy: { contactName: p.contactName, contactEmail: p.contactEmail, policyUrl: p.policyUrl },
  };
}

/** The checkout's buckets from the settings; the CAPTCHA (a secret) stays a deploy setting. */
export async function abuseSettingsOf(db: Db): Promise<AbuseSettings> {
  const c = await currentSettings(db);
  const base = loadAbuseSettings();
  if (!c.stored.has("checkout")) return base;
  const v = c.values.checkout;
  return {
    perIp: { burst: v.ipBurst, perSecond: v.ipPerMinute / 60 },
    global: { burst: v.globalBurst, perSecond: v.globalPerSecond },
    ...(base.captcha ? { captcha: base.captcha } : {}),
  };
}

export async function volunteersOf(db: Db): Promise<SettingsValues["volunteers"]> {
  return (await currentSettings(db)).values.volunteers;
}
