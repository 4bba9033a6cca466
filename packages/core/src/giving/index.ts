/**
 * Giving's door: Stripe Checkout for gifts and memberships, the webhook's facts and bookings, the
 * donors and members. Nothing outside `giving/` imports its other files.
 */
export * from "./abuse.js";
export * from "./checkout.js";
export {
  type MembershipPeriod,
  type Validity,
  MEMBER_CHARGES_KEPT,
  NEXT_YEAR_FROM,
  PERIOD_LABELS,
  checkMembershipYear,
  membershipYears,
  offeredPeriods,
  periodOf,
  publicMemberships,
  publicTiers,
  reminderDue,
  validityOf,
} from "./memberships.js";
export * from "./donor-space.js";
export * from "./gift-projects.js";
export * from "./people.js";
export * from "./people-schemas.js";
export * from "./schemas.js";
export * from "./settings.js";
export * from "./status.js";
export * from "./stripe.js";
export * from "./types.js";
export * from "./webhook.js";
/** The Stripe movements the webhook did not book, with why: the bank's Stripe balance lists them apart. */
export { unbookedMovements } from "./store.js";
/** The donation record's key: the receipts read the gifts they certify (never write them). */
export { donationKey } from "./records.js";
export * from "./personal-data.js";
