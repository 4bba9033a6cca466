import * as z from "zod";
import { loadConfig } from "../config.js";
import { type MembershipPeriod, periodOf } from "./memberships.js";

/**
 * Giving settings: membership tiers, whether the association may issue tax receipts, the
 * receipt's fixed mentions. Read from the environment with defaults; the stack passes them.
 */
export interface MembershipTier {
  id: string;
  label: string;
  /** Integer cents. */
  amount: number;
  /** Calendar year of payment (1 January – 31 December), or 12 months from the payment (giving/memberships.ts). */
  period: MembershipPeriod;
  /** A membership fee without real counterpart may give a tax receipt. */
  receipt: boolean;
  /** The fee buys a real counterpart (booked on 7562 instead of 7561). */
  counterpart?: boolean;
}

/** `MEMBERSHIP_TIERS`, a JSON list, checked field by field. */
export const MembershipTiersSchema = z
  .array(
    z.strictObject({
      id: z.string().regex(/^[\w-]{1,40}$/, "must be 1 to 40 letters, digits, - or _"),
      label: z.string().trim().min(1).max(100),
      amount: z.number().int("must be a whole number of cents").min(100).max(10_000_000),
      // "year", the value before periods were named, is a calendar year.
      period: z
        .enum(["calendar_year", "rolling_12_months", "year"], "must be calendar_year or rolling_12_months")
        .default("calendar_year")
        .transform((p) => periodOf(p)),
      receipt: z.boolean().default(false),
      counterpart: z.boolean().default(false),
    }),
  )
  .min(1, "must list at least one tier")
  .refine((tiers) => new Set(tiers.map((t) => t.id)).size === tiers.length, "tier ids must be unique");

/** Parses `MEMBERSHIP_TIERS`; a bad value stops the function at start with every bad field named. */
export function parseTiers(raw: string | undefined): MembershipTier[] {
  if (raw === undefined || raw.trim() === "") return DEFAULT_TIERS;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("MEMBERSHIP_TIERS is not valid JSON");
  }
  const r = MembershipTiersSchema.safeParse(json);
  if (!r.success)
    throw new Error(
      `MEMBERSHIP_TIERS is invalid: ${r.error.issues.map((i) => `${["MEMBERSHIP_TIERS", ...i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("").replace(/\.\[/g, "[")} ${i.message}`).join("; ")}`,
    );
  return r.data;
}

export interface GivingSettings {
  tiers: MembershipTier[];
  /** Issue tax receipts at all (depends on the association's status). */
  receiptsEnabled: boolean;
  /** Reduction rate shown to donors, in percent (66 for individuals). */
  taxReductionPercent: number;
  association: { name: string; address: string; object: string; category: string; signatory: string };
}

export const DEFAULT_TIERS: MembershipTier[] = [
  { id: "individuel", label: "Adhésion individuelle", amount: 2000, period: "calendar_year", receipt: true },
  { id: "reduit", label: "Adhésion tarif réduit", amount: 500, period: "calendar_year", receipt: true },
  { id: "organisation", label: "Adhésion organisation", amount: 10000, period: "calendar_year", receipt: false },
];

export function loadGivingSettings(env: Record<string, string | undefined> = process.env): GivingSettings {
  const config = loadConfig(env);
  return {
    tiers: parseTiers(env.MEMBERSHIP_TIERS),
    receiptsEnabled: (env.RECEIPTS_ENABLED ?? "true") !== "false",
    taxReductionPercent: Number(env.TAX_REDUCTION_PERCENT ?? "66"),
    association: {
      name: config.name,
      address: config.address,
      object: env.ASSO_OBJECT ?? "Mobiliser l'épargne citoyenne au service des organisations de la transition juste",
      category: env.ASSO_CATEGORY ?? "Association loi 1901 d'intérêt général",
      signatory: env.ASSO_SIGNATORY ?? "Le trésorier",
    },
  };
}
