/**
 * The association's settings, one zod schema per section. A section is saved whole (`PUT
 * /v1/settings/{section}`); every bad field is named, in French, as the console shows it.
 */
import * as z from "zod";
import { accountKey, compactIban } from "../bank/index.js";
import { findAccount } from "../ledger/index.js";
import { ART978_ORGANISMS } from "../receipts/index.js";

export const SECTIONS = [
  "identity",
  "look",
  "year",
  "bank-accounts",
  "membership-tiers",
  "giving",
  "volunteers",
  "email",
  "privacy",
  "checkout",
  "annexe",
] as const;
export type Section = (typeof SECTIONS)[number];

/** The sections the délégation may change; the trésorier changes every one, the auditor none. */
export const DELEGATION_SECTIONS: readonly Section[] = ["identity", "look", "volunteers"];

const text = (max: number) => z.string().trim().max(max, `au plus ${max} caractères`);
const optionalText = (max: number) => text(max).default("");
const email = z.union([z.literal(""), z.email("n'est pas une adresse e-mail")]).default("");

export const IdentitySchema = z
  .strictObject({
    name: optionalText(200),
    object: optionalText(1000),
    address: optionalText(300),
    siren: z
      .string()
      .transform((s) => s.replace(/\s/g, ""))
      .pipe(z.string().regex(/^(\d{9})?$/, "le SIREN a 9 chiffres"))
      .default(""),
    rna: z
      .string()
      .transform((s) => s.trim().toUpperCase())
      .pipe(z.string().regex(/^(W\d{9})?$/, "le numéro RNA est W suivi de 9 chiffres"))
      .default(""),
    creationDate: z
      .string()
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, "une date AAAA-MM-JJ")
      .default(""),
    category: optionalText(200).transform((c) => c || "Œuvre ou organisme d'intérêt général"),
    articles: z
      .array(z.enum(["200", "978"], "l'article 200 ou 978 du CGI (238 bis : reçus aux entreprises, non émis ici)"))
      .min(1, "au moins un article (200)")
      .default(["200"]),
    art978Organism: z.union([z.literal(""), z.enum(Object.keys(ART978_ORGANISMS) as [keyof typeof ART978_ORGANISMS])]).default(""),
    reductionRate: z.union([z.literal(66), z.literal(75)], "66 ou 75").default(66),
    signatory: z.strictObject({ name: optionalText(200), quality: optionalText(100) }).default({ name: "", quality: "" }),
    receiptsEnabled: z.boolean("oui ou non").default(false),
  })
  .superRefine((v, ctx) => {
    if (v.articles.includes("978") && !v.art978Organism)
      ctx.addIssue({ code: "custom", path: ["art978Organism"], message: "l'article 978 ne vaut que pour les organismes qu'il nomme : choisissez lequel" });
    if (v.receiptsEnabled)
      for (const path of identityMissing(v)) ctx.addIssue({ code: "custom", path: path.split("."), message: "requis pour émettre des reçus fiscaux" });
  });
export type Identity = z.output<typeof IdentitySchema>;

/** What a receipt needs and the identity lacks (dotted field names). */
export function identityMissing(v: Pick<Identity, "name" | "address" | "object" | "siren" | "rna" | "signatory">): string[] {
  const missing: string[] = [];
  if (!v.name) missing.push("name");
  if (!v.address) missing.push("address");
  if (!v.object) missing.push("object");
  if (!v.siren && !v.rna) missing.push("siren");
  if (!v.signatory.name) missing.push("signatory.name");
  if (!v.signatory.quality) missing.push("signatory.quality");
  return missing;
}

export const LogoSchema = z.strictObject({
  key: z.string().regex(/^logo\/[\w.-]+$/, "n'est pas un logo enregistré"),
  contentType: z.enum(["image/png", "image/jpeg"]),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
});
export const LookSchema = z.strictObject({
  colour: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "une couleur #RRVVBB")
    .transform((c) => c.toLowerCase())
    .default("#1d4ed8"),
  logo: LogoSchema.nullable().default(null),
});
export type Look = z.output<typeof LookSchema>;

export const YearSchema = z.strictObject({
  startMonth: z.number("un numéro de mois").int("un numéro de mois de 1 à 12").min(1, "un numéro de mois de 1 à 12").max(12, "un numéro de mois de 1 à 12"),
});

export const BankAccountSchema = z
  .strictObject({
    // Optional for an account the bank knows only by a number (a payment card): give its `numbers`. An empty field is no IBAN.
    iban: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string("l'IBAN du compte")
        .transform(compactIban)
        .pipe(z.string().regex(/^[A-Z]{2}\d{2}[0-9A-Z]{11,30}$/, "n'est pas un IBAN"))
        .optional(),
    ),
    account: z
      .string("un compte de classe 5")
      .regex(/^5\d{2,7}$/, "n'est pas un compte de trésorerie (classe 5)")
      .refine((a) => !!findAccount(a), "n'est pas dans le plan comptable"),
    label: text(100).min(1, "requis"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "un code de devise (EUR)")
      .default("EUR"),
    /** Other numbers the bank's files give the account: a card (or its last 4 digits), an export's account column (bank/settings.ts). */
    numbers: z.array(z.string().trim().min(4, "4 caractères au moins").max(40)).max(20).optional(),
  })
  .refine((a) => a.iban !== undefined || !!a.numbers?.length, {
    path: ["iban"],
    message: "requis, sauf pour un compte connu par son numéro (une carte) : indiquez alors ce numéro",
  });
export const BankAccountsSchema = z.strictObject({
  accounts: z
    .array(BankAccountSchema)
    .max(20)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((a, i) => {
        const key = accountKey(a);
        if (seen.has(key))
          ctx.addIssue({
            code: "custom",
            path: a.iban ? [i, "iban"] : [i, "numbers"],
            message: a.iban ? "cet IBAN est déjà listé" : "ce numéro est déjà listé",
          });
        seen.add(key);
      });
    }),
});

export const TierSchema = z.strictObject({
  id: z.string("un identifiant").regex(/^[\w-]{1,40}$/, "1 à 40 lettres, chiffres, - ou _"),
  label: text(100).min(1, "requis"),
  amount: z.number("un montant en centimes").int("un nombre entier de centimes").min(100, "1 € au moins").max(10_000_000, "100 000 € au plus"),
  // "calendar_year": 1er janvier – 31 décembre ; "rolling_12_months": 12 mois à partir du paiement. "year" (valeur d'avant) se lit comme l'année civile.
  period: z
    .enum(["calendar_year", "rolling_12_months", "year"], "calendar_year (année civile) ou rolling_12_months (12 mois à partir du paiement)")
    .default("calendar_year")
    .transform((p): "calendar_year" | "rolling_12_months" => (p === "rolling_12_months" ? p : "calendar_year")),
  receipt: z.boolean().default(false),
  counterpart: z.boolean().default(false),
  active: z.boolean().default(true),
});
export const MembershipTiersSettingsSchema = z.strictObject({
  tiers: z
    .array(TierSchema)
    .min(1, "au moins une formule d'adhésion")
    .max(30)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((t, i) => {
        if (seen.has(t.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: "cet identifiant est déjà pris" });
        seen.add(t.id);
      });
    }),
});

const cents = z.number("un montant en centimes").int("un nombre entier de centimes").min(100, "1 € au moins").max(10_000_000, "100 000 € au plus");
export const GivingSchema = z.strictObject({
  presets: z.array(cents).min(1, "au moins un montant proposé").max(8, "8 montants au plus").default([2000, 5000, 10000]),
  monthly: z.boolean().default(true),
  monthlyPresets: z.array(cents).max(8, "8 montants au plus").default([1000, 2000, 3000]),
  /** The projects a donor may give to (dons affectés), in the order the giving page lists them; each a project's code (checked against the projects when saved). */
  projects: z
    .array(
      z
        .string("un code de projet")
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9][A-Z0-9_-]{1,19}$/, "un code de projet (2 à 20 lettres, chiffres, - ou _)"),
    )
    .max(20, "20 projets au plus")
    .refine((codes) => new Set(codes).size === codes.length, "un projet est proposé deux fois")
    .default([]),
});

export const VolunteersSchema = z.strictObject({
  hourlyRate: z.number("un montant en centimes").int("un nombre entier de centimes").min(0).max(100_000).default(0),
  headcount: z.number("un nombre de bénévoles").int("un nombre entier").min(0).max(1_000_000).default(0),
  /** How the hours are counted and the rate chosen (the annexe states it): e.g. « SMIC horaire brut chargé, heures déclarées par les responsables d'activité ». */
  method: optionalText(500),
  /**
   * The 87 account the volunteers' time is credited to (864 debited): 875 « Bénévolat » in the ANC
   * 2018-06 chart (gifts of goods on 870 « Dons en nature »), or 870 as the 1999 chart named it
   * « Bénévolat » (gifts of goods then on 875). Refused while an open year holds entries on 870 or 875.
   */
  timeSourceAccount: z.enum(["875", "870"], "875 (plan ANC 2018-06) ou 870 (plan de 1999)").default("875"),
});

const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
/** One engagement given (annexe, ANC 2018-06): a caution, a pledge to an organisation the association funds, a lease. */
export const EngagementGivenSchema = z.strictObject({
  label: text(200).min(1, "requis : la nature de l'engagement (caution, bail, subvention promise…)"),
  amount: z.preprocess(
    blank,
    z.number("un montant en centimes").int("un nombre entier de centimes").min(0, "un montant positif").max(100_000_000_000).optional(),
  ),
  beneficiary: z.preprocess(blank, text(200).optional()),
  until: z.preprocess(blank, z.iso.date("une date AAAA-MM-JJ").optional()),
});
/** What the annexe of the accounts takes from the settings: the engagements given. */
export const AnnexeSettingsSchema = z.strictObject({
  engagementsGiven: z.array(EngagementGivenSchema).max(50, "50 engagements au plus").default([]),
});

export const EmailSchema = z.strictObject({
  senderName: optionalText(100),
  senderAddress: email,
  replyTo: email,
});

export const PrivacySchema = z.strictObject({
  contactName: optionalText(200),
  contactEmail: email,
  policyUrl: z.union([z.literal(""), z.url("une adresse web")]).default(""),
});

const positive = (max: number) => z.number("un nombre").positive("plus que 0").max(max, `au plus ${max}`);
export const CheckoutSchema = z.strictObject({
  ipBurst: positive(1_000_000).default(10),
  ipPerMinute: positive(1_000_000).default(20),
  globalBurst: positive(1_000_000).default(100),
  globalPerSecond: positive(1_000_000).default(20),
});

export const SECTION_SCHEMAS = {
  identity: IdentitySchema,
  look: LookSchema,
  year: YearSchema,
  "bank-accounts": BankAccountsSchema,
  "membership-tiers": MembershipTiersSettingsSchema,
  giving: GivingSchema,
  volunteers: VolunteersSchema,
  email: EmailSchema,
  privacy: PrivacySchema,
  checkout: CheckoutSchema,
  annexe: AnnexeSettingsSchema,
} as const satisfies Record<Section, z.ZodType>;

export type SectionValue<S extends Section> = z.output<(typeof SECTION_SCHEMAS)[S]>;
export type SettingsValues = { [S in Section]: SectionValue<S> };

export const ActorSchema = z.object({ sub: z.string(), role: z.string(), requestId: z.string() });
export const SectionStateSchema = z.object({ version: z.number().int().min(0), value: z.unknown() }).meta({ id: "SettingsSection" });
export const SettingsViewSchema = z
  .object({
    sections: z.record(z.string(), SectionStateSchema),
    complete: z.boolean().describe("the identity is complete enough to issue receipts"),
    missing: z.array(z.string()).describe("identity fields a receipt needs and the identity lacks"),
  })
  .meta({ id: "Settings" });
export const HistoryItemSchema = z.object({
  section: z.enum(SECTIONS),
  version: z.number().int(),
  at: z.string(),
  by: ActorSchema,
  before: z.unknown(),
  after: z.unknown(),
});
export const HistorySchema = z.object({ items: z.array(HistoryItemSchema) }).meta({ id: "SettingsHistory" });
export const CheckSchema = z.object({
  id: z.string(),
  label: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  todo: z.string().optional().describe("what to do when the check fails, in French"),
});
export const ChecksSchema = z.object({ items: z.array(CheckSchema) }).meta({ id: "SettingsChecks" });
