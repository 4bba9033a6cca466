/** Public inputs of giving and joining. */
import * as z from "zod";

export const Address = z.strictObject({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  postalCode: z.string().trim().min(2).max(12),
  city: z.string().trim().min(1).max(100),
  country: z.string().trim().length(2, "must be a 2-letter country code (FR)").toUpperCase(),
});
export type Address = z.output<typeof Address>;

const Person = {
  email: z.email("must be an email address").max(254),
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
};

/** Checked against the configured public base URL by the checkout (anything else is a 400). */
const ReturnUrl = z.url().max(500).optional();
/** The CAPTCHA answer, required only when a CAPTCHA is configured (CAPTCHA_SECRET, CAPTCHA_VERIFY_URL). */
const CaptchaToken = z.string().min(1).max(4096).optional();

/** A gift's bounds, in cents (the giving page reads them from the public giving settings). */
export const DONATION_MIN = 100;
export const DONATION_MAX = 10_000_000;

export const DonationCheckoutInput = z
  .strictObject({
    amount: z.number().int("must be a whole number of cents").min(DONATION_MIN, "must be at least 1 €").max(DONATION_MAX, "must be at most 100 000 €"),
    frequency: z.enum(["once", "monthly"]),
    donor: z.strictObject({ ...Person, address: Address.optional() }),
    receipt: z.boolean().default(true),
    project: z
      .string()
      .trim()
      .toUpperCase()
      .min(1, "un projet proposé, ou rien")
      .max(20, "un projet proposé, ou rien")
      .optional()
      .describe("the project the gift goes to (dons affectés): one of GET /v1/public/projects; without it, the association's work as a whole"),
    successUrl: ReturnUrl,
    cancelUrl: ReturnUrl,
    captchaToken: CaptchaToken,
  })
  .superRefine((v, ctx) => {
    if (v.receipt && !v.donor.address) ctx.addIssue({ code: "custom", path: ["donor", "address"], message: "a postal address is needed for a tax receipt" });
  })
  .meta({ id: "DonationCheckout" });
export type DonationCheckoutInput = z.output<typeof DonationCheckoutInput>;

export const MembershipCheckoutInput = z
  .strictObject({
    tierId: z.string().min(1).max(40),
    member: z.strictObject({ ...Person, organisation: z.string().trim().max(200).optional(), address: Address.optional() }),
    membershipYear: z
      .number("une année (2026)")
      .int("une année (2026)")
      .min(2000, "une année (2026)")
      .max(2100, "une année (2026)")
      .optional()
      .describe(
        "calendar-year tiers: the year paid for, the current one or, from 1 November, the next (giving settings: memberships[].next); default the year of payment",
      ),
    successUrl: ReturnUrl,
    cancelUrl: ReturnUrl,
    captchaToken: CaptchaToken,
  })
  .meta({ id: "MembershipCheckout" });
export type MembershipCheckoutInput = z.output<typeof MembershipCheckoutInput>;

export const CheckoutSchema = z.object({ sessionId: z.string(), url: z.string() }).meta({ id: "Checkout" });
export const TiersSchema = z.object({
  tiers: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      amount: z.number().int(),
      period: z.enum(["calendar_year", "rolling_12_months"]),
      periodLabel: z.string().optional().describe("the period in French"),
      receipt: z.boolean().optional().describe("the fee gives a tax receipt"),
      year: z.number().int().optional().describe("calendar-year tiers: the year a payment today is for"),
      validFrom: z.string().optional().describe("first day a payment today covers (YYYY-MM-DD)"),
      validUntil: z.string().optional().describe("last day a payment today covers (YYYY-MM-DD)"),
      next: z
        .object({ year: z.number().int(), validFrom: z.string(), validUntil: z.string() })
        .optional()
        .describe("calendar-year tiers from 1 November: the next year, offered as a choice (the checkout's membershipYear)"),
    }),
  ),
});
const PeriodDates = {
  validFrom: z.string().describe("first day covered (YYYY-MM-DD)"),
  validUntil: z.string().describe("last day covered (YYYY-MM-DD)"),
};
/** A tier as the giving page offers it: its period and the dates a payment today covers. */
export const PublicMembershipSchema = z
  .object({
    tierId: z.string(),
    label: z.string(),
    amount: z.number().int().describe("cents"),
    period: z.enum(["calendar_year", "rolling_12_months"]),
    periodLabel: z.string().describe("the period in French, as the page may print it"),
    receipt: z.boolean().describe("the fee gives a tax receipt"),
    current: z
      .object({ membershipYear: z.number().int().optional().describe("calendar-year tiers: the year"), ...PeriodDates })
      .describe("what a payment today covers (no membershipYear to send)"),
    next: z
      .object({ membershipYear: z.number().int().describe("send it as the checkout's membershipYear"), ...PeriodDates })
      .optional()
      .describe("calendar-year tiers from 1 November: the next year, offered as a choice"),
  })
  .meta({ id: "PublicMembership" });

/** What the public page needs to show: the tax-reduction rate, whether receipts are issued, whether a CAPTCHA is asked. */
export const PublicGivingSettingsSchema = z
  .object({
    taxReductionPercent: z.number(),
    receiptsEnabled: z.boolean(),
    captcha: z.boolean(),
    presets: z.array(z.number().int()).optional().describe("amounts proposed for a gift, in cents (settings: giving)"),
    monthly: z.boolean().optional().describe("whether a monthly gift is offered"),
    monthlyPresets: z.array(z.number().int()).optional(),
    amountMin: z.number().int().optional().describe("smallest gift, in cents"),
    amountMax: z.number().int().optional().describe("largest gift, in cents"),
    association: z
      .object({
        name: z.string(),
        object: z.string(),
        address: z.string(),
        category: z.string(),
        siren: z.string(),
        rna: z.string(),
        articles: z.array(z.string()).describe("CGI articles the receipts cite (200, 978)"),
        colour: z.string().describe("the look's main colour, #rrggbb"),
        logoUrl: z.string().optional().describe("the logo's address (GET /v1/public/logo), when one was sent"),
      })
      .optional()
      .describe("who asks for the money: the giving page's header and legal mentions (settings: identity, look)"),
    privacy: z
      .object({ contactName: z.string(), contactEmail: z.string(), policyUrl: z.string() })
      .optional()
      .describe("whom to write to about one's personal data (settings: privacy)"),
  })
  .extend({
    memberships: z
      .array(PublicMembershipSchema)
      .optional()
      .describe("the tiers offered, each with its period and the dates a payment today covers (and the next year's from 1 November)"),
  })
  .meta({ id: "PublicGivingSettings" });
export const WebhookAnswer = z.object({ received: z.literal(true) });
