import { loadConfig } from "../config.js";

/**
 * Giving settings: membership tiers, whether the association may issue tax receipts, the
 * receipt's fixed mentions. Read from the environment with defaults; the stack passes them.
 */
export interface MembershipTier {
  id: string;
  label: string;
  /** Integer cents. */
  amount: number;
  /** Valid for the calendar year of payment. */
  period: "year";
  /** A membership fee without real counterpart may give a tax receipt. */
  receipt: boolean;
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
  { id: "individuel", label: "Adhésion individuelle", amount: 2000, period: "year", receipt: true },
  { id: "reduit", label: "Adhésion tarif réduit", amount: 500, period: "year", receipt: true },
  { id: "organisation", label: "Adhésion organisation", amount: 10000, period: "year", receipt: false },
];

export function loadGivingSettings(env: Record<string, string | undefined> = process.env): GivingSettings {
  const config = loadConfig(env);
  return {
    tiers: env.MEMBERSHIP_TIERS ? (JSON.parse(env.MEMBERSHIP_TIERS) as MembershipTier[]) : DEFAULT_TIERS,
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

/** "50 € vous coûtent 17 € après réduction d'impôt": what the gift costs after the reduction, in cents. */
export const costAfterReduction = (amount: number, percent = 66) => amount - Math.round((amount * percent) / 100);
