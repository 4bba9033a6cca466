/**
 * Demo data for `npm run dev`, written once into an empty dev table: a 2024 year shaped like the
 * first association's activity report (foundation grants, ~7.8 % individual donations, ~62 % of
 * charges external: freelancers, communication, studies), posted through the real use cases.
 */
import { chainHead, dbFromEnv, postEntry, type PostEntryInput } from "@asso/core";

const e = (journal: PostEntryInput["journal"], date: string, label: string, pieceRef: string, debit: string, credit: string, euros: number): PostEntryInput => ({
  journal,
  date,
  label,
  pieceRef,
  lines: [
    { account: debit, debit: euros * 100 },
    { account: credit, credit: euros * 100 },
  ],
});

const DEMO: PostEntryInput[] = [
  e("BQ", "2024-03-20", "Dévolution de l'actif d'une association dissoute", "DEV-2024-01", "512", "755", 75_000),
  e("BQ", "2024-04-15", "Fondation de France, programme 2024", "CONV-FDF-2024", "512", "755", 100_000),
  e("BQ", "2024-06-03", "Fonds de dotation Yes Futur", "CONV-YF-2024", "512", "755", 60_000),
  e("BQ", "2024-09-12", "Fondation Crédit Coopératif", "CONV-FCC-2024", "512", "755", 30_000),
  e("ST", "2024-05-31", "Dons en ligne de mai", "STRIPE-2024-05", "4671", "7541", 9_400),
  e("ST", "2024-11-30", "Dons en ligne de novembre", "STRIPE-2024-11", "4671", "7541", 13_200),
  e("ST", "2024-12-31", "Frais Stripe 2024", "STRIPE-FEES-2024", "627", "4671", 680),
  e("BQ", "2024-12-31", "Virements Stripe 2024", "STRIPE-PO-2024", "512", "4671", 21_920),
  e("BQ", "2024-06-30", "Cotisations 2024", "COTIS-2024", "512", "756", 2_000),
  e("HA", "2024-10-31", "Statisticienne : enquête auprès de 1 130 épargnants", "F-STAT-2024", "604", "401", 25_000),
  e("HA", "2024-11-30", "Rédacteur et graphiste indépendants", "F-FREE-2024", "6226", "401", 100_000),
  e("HA", "2024-12-15", "Communication : vidéos et réseaux sociaux", "F-COM-2024", "623", "401", 45_000),
  e("BQ", "2024-12-20", "Règlement des fournisseurs", "REG-2024-12", "401", "512", 170_000),
  e("HA", "2024-12-31", "Loyer et déplacements 2024", "F-DIV-2024", "613", "512", 8_500),
  e("OD", "2024-12-31", "Salaires 2024", "PAIE-2024", "641", "421", 75_000),
  e("OD", "2024-12-31", "Charges sociales 2024", "PAIE-2024", "645", "431", 34_820),
  e("BQ", "2025-01-10", "Don d'une fondation pour l'éducation populaire", "CONV-EP-2024", "512", "755", 40_000),
];

/** Ledger entries, written before the API starts; true when the table was empty. */
export async function seedDemo(): Promise<boolean> {
  const db = dbFromEnv();
  if ((await chainHead(db)).seq > 0) return false;
  for (const entry of DEMO) await postEntry(db, entry);
  return true;
}

const ADDRESS = { line1: "3 place de la République", postalCode: "75003", city: "Paris", country: "FR" };

/**
 * Giving, as citizens would: checkouts through the running API, paid at the Stripe double, whose
 * signed events come back to the webhook. Two one-off gifts with receipts, a monthly donor renewed
 * once, a membership.
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
  await give("/v1/public/donations/checkout", { amount: 5000, frequency: "once", donor: { email: "camille.martin@example.org", firstName: "Camille", lastName: "Martin", address: ADDRESS } }, "2025-03-05T10:00:00Z");
  await give("/v1/public/donations/checkout", { amount: 15000, frequency: "once", donor: { email: "leo.bernard@example.org", firstName: "Léo", lastName: "Bernard", address: ADDRESS } }, "2025-04-12T18:30:00Z");
  const monthly = await give("/v1/public/donations/checkout", { amount: 1000, frequency: "monthly", donor: { email: "ines.petit@example.org", firstName: "Inès", lastName: "Petit", address: ADDRESS } }, "2025-01-10T09:00:00Z");
  await post(`${stripeUrl}/__dev/subscriptions/${monthly.subscription}/renew`, { at: "2025-02-10T09:00:00Z" });
  await give("/v1/public/memberships/checkout", { tierId: "individuel", member: { email: "ada.lovelace@example.org", firstName: "Ada", lastName: "Lovelace", address: ADDRESS } }, new Date().toISOString());
}
