/** The console's URL and header helpers that need no browser (unit-tested under Node). */

export type Query = Record<string, string | number | undefined | null | false>;

/** `path?k=v…`, leaving out empty filters. */
export function withQuery(path: string, query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== false && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The file name of a download, from `Content-Disposition`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]!);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]! : fallback;
}

/** A fresh key for one user action. */
export const newKey = (): string => crypto.randomUUID();

/**
 * The `Idempotency-Key` of a form: the same request sent again (a retry after a network failure,
 * a double click) carries the same key, so the API writes once; a corrected request gets a new key
 * (the API refuses a key reused for another body). `reset()` after a success, so that the same
 * figures entered again on purpose make a second write.
 */
export function keyKeeper(): { for(request: unknown): string; reset(): void } {
  let last: { sig: string; key: string } | undefined;
  return {
    for(request) {
      const sig = JSON.stringify(request);
      if (!last || last.sig !== sig) last = { sig, key: newKey() };
      return last.key;
    },
    reset() {
      last = undefined;
    },
  };
}

/**
 * The fiscal year a Paris calendar date (`YYYY-MM-DD`) belongs to, for a year starting in
 * `startMonth` (1–12): a year is named after the calendar year of its first day (the core's rule,
 * packages/core/src/dates.ts, without its date library).
 */
export function fiscalYearOf(date: string, startMonth = 1): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m >= startMonth ? y : y - 1;
}

/** The last day of a fiscal year (`YYYY-MM-DD`). */
export function fiscalYearEnd(year: number, startMonth = 1): string {
  if (startMonth === 1) return `${year}-12-31`;
  const last = new Date(Date.UTC(year + 1, startMonth - 1, 0)).getUTCDate();
  return `${year + 1}-${String(startMonth - 1).padStart(2, "0")}-${String(last).padStart(2, "0")}`;
}

/** Lower case, without accents or extra spaces: what a search compares ("Frais bancaires" ~ "frais banc"). */
export const folded = (s: string): string =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();

export interface PickableAccount {
  number: string;
  label: string;
}

/** The words a volunteer uses for an account the chart names otherwise (searched, never shown). */
export const EVERYDAY_WORDS: Record<string, string> = {
  "627": "frais bancaires banque commission tenue de compte agios carte",
  "6226": "avocat comptable expert notaire conseil juridique",
  "622": "avocat comptable conseil",
  "6064": "papeterie bureau cartouches imprimante",
  "606": "fournitures petit materiel achats",
  "6061": "electricite gaz eau energie",
  "613": "loyer salle",
  "6132": "loyer local bureau",
  "6135": "location materiel",
  "616": "assurance",
  "623": "impression affiches flyers communication",
  "6231": "annonce",
  "625": "frais de deplacement repas",
  "6251": "train essence peage transport frais de deplacement",
  "6257": "repas buffet traiteur",
  "626": "timbres poste telephone internet abonnement",
  "6281": "adhesion federation",
  "651": "abonnement logiciel licence",
  "618": "livres formation documentation",
  "641": "salaires",
};

/**
 * The accounts matching what was typed (digits: the number's start; words: every word in the
 * label, accents ignored), the most used first (`usage`: a count per account number), then in
 * the chart's order.
 */
export function searchAccounts<A extends PickableAccount>(accounts: A[], text: string, usage: Record<string, number> = {}): A[] {
  const q = folded(text);
  const words = q.split(" ").filter(Boolean);
  const hit = (a: A) => {
    if (!q) return true;
    if (/^\d+$/.test(q)) return a.number.startsWith(q);
    const label = folded(`${a.label} ${a.number} ${EVERYDAY_WORDS[a.number] ?? ""}`);
    return words.every((w) => label.includes(w));
  };
  return accounts.filter(hit).sort((a, b) => (usage[b.number] ?? 0) - (usage[a.number] ?? 0) || a.number.localeCompare(b.number));
}

/** Supplier names compared as a person would ("ACME sarl " ~ "Acme SARL"). */
export const sameSupplier = (a: string, b: string): boolean => folded(a) === folded(b);

/** The account a supplier's past expenses were booked to most often (the latest on a tie); undefined when none. */
export function usualAccount(expenses: { supplier: string; account: string; date: string }[], supplier: string): string | undefined {
  const counts = new Map<string, { n: number; last: string }>();
  for (const e of expenses) {
    if (!sameSupplier(e.supplier, supplier)) continue;
    const c = counts.get(e.account) ?? { n: 0, last: "" };
    counts.set(e.account, { n: c.n + 1, last: e.date > c.last ? e.date : c.last });
  }
  return [...counts.entries()].sort((a, b) => b[1].n - a[1].n || b[1].last.localeCompare(a[1].last))[0]?.[0];
}

/** Past expenses that look like the same invoice: same supplier, same amount, same date. */
export function duplicatesOf<E extends { supplier: string; amount: number; date: string }>(
  expenses: E[],
  x: { supplier: string; amount: number | null; date: string },
): E[] {
  if (!x.amount || !x.supplier.trim()) return [];
  return expenses.filter((e) => e.amount === x.amount && e.date === x.date && sameSupplier(e.supplier, x.supplier));
}

const STRIPE_PIECES: Record<string, string> = {
  ch: "Paiement en ligne",
  py: "Paiement en ligne",
  pi: "Paiement en ligne",
  in: "Cotisation en ligne",
  re: "Remboursement en ligne",
  po: "Virement de Stripe",
  txn: "Opération Stripe",
  dp: "Contestation de paiement",
  du: "Contestation de paiement",
};

/** "ch_test_3Q…" → "Paiement en ligne"; undefined for a piece a person wrote. */
export const stripePiece = (piece: string): string | undefined => {
  const m = /^([a-z]{2,4})_(?:test_|live_)?[A-Za-z0-9]{6,}$/.exec(piece);
  return m ? (STRIPE_PIECES[m[1]!] ?? "Opération en ligne") : undefined;
};
