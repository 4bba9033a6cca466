/**
 * Demo data for `npm run dev`, written once into an empty dev table: a 2024 year shaped like the
 * first association's activity report (foundation grants, ~7.8 % individual donations, ~62 % of
 * charges external: freelancers, communication, studies), posted through the real use cases.
 */
import { chainHead, dbFromEnv, postEntry, type PostEntryInput } from "@asso/core";
import { seedGrants2024 } from "./demo-grants.js";
import { DEMO_PAYROLL_SPLIT, seedProjects2024 } from "./demo-projects.js";

const e = (
  journal: PostEntryInput["journal"],
  date: string,
  label: string,
  pieceRef: string,
  debit: string,
  credit: string,
  euros: number,
): PostEntryInput => ({
  journal,
  date,
  label,
  pieceRef,
  lines: [
    { account: debit, debit: euros * 100 },
    { account: credit, credit: euros * 100 },
  ],
});

/** Payroll, its charge split between the projects (demo-projects.ts). */
function payroll(label: string, debit: string, credit: string, euros: number): PostEntryInput {
  const entry = e("OD", "2024-12-31", label, "PAIE-2024", debit, credit, euros);
  return { ...entry, lines: [{ ...entry.lines[0]!, split: DEMO_PAYROLL_SPLIT }, entry.lines[1]!] };
}

/**
 * The online gifts of 2024 that the giving page received itself (seedGiving, through the registry):
 * 7541 keeps 22 600 € with the period totals below, booked before the giving page was set up.
 */
export const DEMO_ONLINE_GIFTS_2024 = 24_500;

/** What is not a grant or a supplier's invoice: gifts through Stripe, fees, membership, payroll. */
const DEMO: PostEntryInput[] = [
  e("ST", "2024-05-31", "Dons en ligne de mai", "STRIPE-2024-05", "4671", "7541", 9_400),
  e("ST", "2024-11-30", "Dons en ligne de novembre", "STRIPE-2024-11", "4671", "7541", 13_200 - DEMO_ONLINE_GIFTS_2024 / 100),
  e("ST", "2024-12-31", "Frais Stripe 2024", "STRIPE-FEES-2024", "627", "4671", 680),
  e("BQ", "2024-12-31", "Virements Stripe 2024", "STRIPE-PO-2024", "512", "4671", 21_920 - DEMO_ONLINE_GIFTS_2024 / 100),
  e("BQ", "2024-06-30", "Cotisations 2024", "COTIS-2024", "512", "756", 2_000),
  payroll("Salaires 2024", "641", "421", 75_000),
  payroll("Charges sociales 2024", "645", "431", 34_820),
];

/**
 * The 2024 books, written before the API starts; true when the table was empty. Foundation money
 * and purchases go through the grants domain (demo-grants.ts); the rest are plain entries.
 */
export async function seedDemo(): Promise<boolean> {
  const db = dbFromEnv();
  if ((await chainHead(db)).seq > 0) return false;
  await seedProjects2024(db);
  for (const entry of DEMO) await postEntry(db, entry);
  await seedGrants2024(db);
  return true;
}

const ADDRESS = { line1: "3 place de la République", postalCode: "75003", city: "Paris", country: "FR" };

/**
 * Giving, as citizens would: checkouts through the running API, paid at the Stripe double, whose
 * signed events come back to the webhook. In 2024, two one-off gifts and a monthly donor renewed
 * twice (245 €, DEMO_ONLINE_GIFTS_2024); in 2025, two one-off gifts with receipts, a monthly donor
 * renewed once, a membership.
 */
export async function seedGiving(api: string, stripeUrl: string): Promise<void> {
  const post = async (url: string, body: unknown) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`demo: ${url} answered ${res.status}`);
    return (await res.json()) as Record<string, string>;
  };
  const give = async (path: string, body: unknown, at: string) => {
    const { sessionId } = await post(`${api}${path}`, body);
    return post(`${stripeUrl}/__dev/checkout/sessions/${sessionId}/complete`, { at });
  };
  await give(
    "/v1/public/donations/checkout",
    { amount: 12000, frequency: "once", donor: { email: "nora.garcia@example.org", firstName: "Nora", lastName: "Garcia", address: ADDRESS } },
    "2024-10-08T11:00:00Z",
  );
  await give(
    "/v1/public/donations/checkout",
    { amount: 8000, frequency: "once", donor: { email: "paul.roux@example.org", firstName: "Paul", lastName: "Roux", address: ADDRESS } },
    "2024-11-21T19:15:00Z",
  );
  const monthly2024 = await give(
    "/v1/public/donations/checkout",
    { amount: 1500, frequency: "monthly", donor: { email: "lina.fabre@example.org", firstName: "Lina", lastName: "Fabre", address: ADDRESS } },
    "2024-10-15T08:30:00Z",
  );
  await post(`${stripeUrl}/__dev/subscriptions/${monthly2024.subscription}/renew`, { at: "2024-11-15T08:30:00Z" });
  await post(`${stripeUrl}/__dev/subscriptions/${monthly2024.subscription}/renew`, { at: "2024-12-15T08:30:00Z" });
  await give(
    "/v1/public/donations/checkout",
    { amount: 5000, frequency: "once", donor: { email: "camille.martin@example.org", firstName: "Camille", lastName: "Martin", address: ADDRESS } },
    "2025-03-05T10:00:00Z",
  );
  await give(
    "/v1/public/donations/checkout",
    { amount: 15000, frequency: "once", donor: { email: "leo.bernard@example.org", firstName: "Léo", lastName: "Bernard", address: ADDRESS } },
    "2025-04-12T18:30:00Z",
  );
  const monthly = await give(
    "/v1/public/donations/checkout",
    { amount: 1000, frequency: "monthly", donor: { email: "ines.petit@example.org", firstName: "Inès", lastName: "Petit", address: ADDRESS } },
    "2025-01-10T09:00:00Z",
  );
  await post(`${stripeUrl}/__dev/subscriptions/${monthly.subscription}/renew`, { at: "2025-02-10T09:00:00Z" });
  await give(
    "/v1/public/memberships/checkout",
    { tierId: "individuel", member: { email: "ada.lovelace@example.org", firstName: "Ada", lastName: "Lovelace", address: ADDRESS } },
    new Date().toISOString(),
  );
}
