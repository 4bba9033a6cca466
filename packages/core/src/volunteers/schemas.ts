/** The volunteers' routes: inputs and answers (the OpenAPI document is generated from these). */
import * as z from "zod";
import { Year } from "../ledger/index.js";

/** The natures of a gift in kind, each with its pair of accounts (ANC 2018-06, classes 86 / 87). */
export const GIFT_NATURES = {
  biens: { use: "860", source: "870", label: "Dons en nature (biens reçus)" },
  "mise-a-disposition": { use: "861", source: "871", label: "Mise à disposition gratuite de biens (locaux, matériel)" },
  prestations: { use: "862", source: "871", label: "Prestations en nature (services rendus gratuitement)" },
} as const;
export type GiftNature = keyof typeof GIFT_NATURES;
export const NATURES = Object.keys(GIFT_NATURES) as [GiftNature, ...GiftNature[]];

/** Volunteer time: 864 Personnel bénévole (use) / 875 Bénévolat (source, ANC 2018-06). */
export const VOLUNTEER_TIME_ACCOUNTS = { use: "864", source: "875" } as const;

/**
 * The accounts of a nature under the settings' `timeSourceAccount`: with 870 (the 1999 chart's
 * « Bénévolat ») the time is credited to 870 and the gifts of goods to 875 (its « Dons en nature »),
 * so the two never share an account.
 */
export function cvnAccounts(timeSource: "875" | "870" = "875") {
  const swap = timeSource === "870";
  return {
    time: { use: VOLUNTEER_TIME_ACCOUNTS.use, source: timeSource },
    gift: (nature: GiftNature) => {
      const n = GIFT_NATURES[nature];
      return { use: n.use as string, source: swap && n.source === "870" ? "875" : (n.source as string) };
    },
  };
}

const label = z.string("un libellé").trim().min(1, "un libellé est nécessaire").max(200, "200 caractères au plus");
const project = z
  .string("le code d'un projet")
  .trim()
  .min(1, "le code d'un projet")
  .max(40, "40 caractères au plus")
  .optional()
  .describe("the project (analytic axis) the time or gift belongs to: its code");
const cents = z.number("un montant en centimes").int("un nombre entier de centimes").positive("un montant positif").max(100_000_000, "1 000 000 € au plus");

export const VolunteerTimeInput = z.strictObject({
  month: z.string("un mois AAAA-MM").regex(/^\d{4}-(0[1-9]|1[0-2])$/, "un mois AAAA-MM (2025-03)"),
  hours: z
    .number("un nombre d'heures")
    .positive("un nombre d'heures positif")
    .max(1_000_000, "1 000 000 heures au plus")
    .refine((h) => Math.abs(h * 100 - Math.round(h * 100)) < 1e-6, "au centième d'heure près")
    .describe("hours given in the month (to the hundredth)"),
  rate: z
    .number("un taux horaire en centimes")
    .int("un nombre entier de centimes")
    .positive("un taux horaire positif")
    .max(100_000, "1 000 € de l'heure au plus")
    .optional()
    .describe("cents per hour; default: the settings' hourly rate (volunteers section)"),
  project,
  label,
});
export type VolunteerTimeInput = z.infer<typeof VolunteerTimeInput>;

export const GiftInKindInput = z.strictObject({
  date: z.iso.date("une date AAAA-MM-JJ"),
  nature: z.enum(NATURES, `une nature parmi ${NATURES.join(", ")}`),
  amount: cents.describe("the gift's value in cents (its market value, or the giver's invoice marked free)"),
  label,
  giver: z.string().trim().max(200, "200 caractères au plus").optional().describe("who gave it (kept with the record, not in the ledger)"),
  project,
});
export type GiftInKindInput = z.infer<typeof GiftInKindInput>;

export const CorrectionInput = z.strictObject({
  reason: z.string("un motif").trim().min(1, "un motif est nécessaire").max(500, "500 caractères au plus"),
});

export const ContributionIdParam = z.strictObject({ id: z.string().regex(/^\d{4}-[0-9a-f]{12}$/, "n'est pas un identifiant d'enregistrement") });
export const ContributionYearQuery = z.strictObject({ year: Year });

const Actor = z.object({ sub: z.string(), role: z.string() });
const common = {
  id: z.string(),
  year: z.number().int().describe("the fiscal year"),
  date: z.string().describe("the entry's date (a month's time: its last day)"),
  label: z.string(),
  project: z.string().nullable(),
  amount: z.number().int().describe("value in cents"),
  accounts: z.object({ use: z.string(), source: z.string() }).describe("debit (86x, use) and credit (87x, source)"),
  entryId: z.string(),
  status: z.enum(["booked", "reversed"]),
  reversal: z.object({ entryId: z.string(), reason: z.string(), on: z.string(), by: Actor }).nullable(),
  createdAt: z.string(),
  createdBy: Actor.nullable(),
};

export const VolunteerTimeSchema = z
  .object({
    ...common,
    kind: z.literal("time"),
    month: z.string(),
    hours: z.number(),
    rate: z.number().int().describe("cents per hour"),
    method: z.string().describe("how the hour was valued, as stated in the annexe"),
  })
  .meta({ id: "VolunteerTime" });

export const GiftInKindSchema = z
  .object({
    ...common,
    kind: z.literal("gift"),
    nature: z.enum(NATURES),
    natureLabel: z.string(),
    giver: z.string().nullable(),
  })
  .meta({ id: "GiftInKind" });

export const VolunteerTimeListSchema = z.object({
  year: z.number().int(),
  items: z.array(VolunteerTimeSchema),
  totals: z.object({ hours: z.number(), amount: z.number().int() }).describe("booked records only"),
  valuation: z
    .object({ rate: z.number().int(), method: z.string(), accounts: z.object({ use: z.string(), source: z.string() }) })
    .describe("the configured hourly rate, its method and the accounts the hours go to (864 / 875, or 864 / 870: settings' timeSourceAccount)"),
});

export const GiftInKindListSchema = z.object({
  year: z.number().int(),
  items: z.array(GiftInKindSchema),
  byNature: z.array(
    z.object({ nature: z.enum(NATURES), label: z.string(), accounts: z.object({ use: z.string(), source: z.string() }), amount: z.number().int() }),
  ),
  total: z.number().int(),
});
