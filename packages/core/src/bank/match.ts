/**
 * Matching proposals (pure): which ledger entries explain which bank lines. First the exact
 * amount within a date window (±5 days by default), then the label and references scored with
 * fuse.js (supplier or funder name, invoice number, Stripe payout id `po_…`); one line may be
 * explained by several entries (a grouped payment) and several lines by one entry. Proposals are
 * only proposals: nothing here writes.
 */
import Fuse from "fuse.js";
import { differenceInCalendarDays, parseISO } from "date-fns";

export interface LineIn {
  id: string;
  date: string;
  amount: number;
  label: string;
  counterparty?: string;
  reference?: string;
}

export interface EntryIn {
  entryId: string;
  date: string;
  amount: number;
  label: string;
  pieceRef: string;
  names: string[];
}

export type ProposalKind = "payout-id" | "exact" | "reference" | "grouped-entries" | "grouped-lines";

export interface Proposal {
  lineIds: string[];
  entryIds: string[];
  amount: number;
  /** 0 to 1: 1 is certain (same Stripe payout id, same amount). */
  score: number;
  kind: ProposalKind;
  reason: string;
}

export interface MatchOptions {
  windowDays: number;
  /** How far (days) a reference match may look when the date window finds nothing. */
  referenceDays?: number;
  /** Largest group tried for grouped payments. */
  maxGroup?: number;
  /** `<lineId>|<entryId>` pairs the trésorier rejected: never proposed again. */
  rejected?: ReadonlySet<string>;
}

const days = (a: string, b: string) => Math.abs(differenceInCalendarDays(parseISO(a), parseISO(b)));

/** Upper case, no accents, only letters, digits, `_` and `-`, single spaces. */
export const normalise = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9_-]+/g, " ")
    .trim();

const PAYOUT_ID = /\bpo_[A-Za-z0-9_]+/;

/** Words that say nothing about who paid whom. */
const NOISE = new Set(
  "DE DU DES LA LE LES ET A AU AUX EN POUR PAR SUR REGLEMENT PAIEMENT FACTURE VIREMENT VIR SEPA PRLV PRELEVEMENT RECU EMIS DON COTISATION VERSEMENT ACOMPTE SOLDE NOVEMBRE DECEMBRE JANVIER FEVRIER MARS AVRIL MAI JUIN JUILLET AOUT SEPTEMBRE OCTOBRE FRAIS".split(
    " ",
  ),
);

/** What an entry is looked for by in a bank label: its names, its piece reference, its label's telling words. */
export function needles(e: EntryIn): string[] {
  const out = new Set<string>();
  for (const n of e.names) if (normalise(n).length >= 3) out.add(normalise(n));
  const ref = normalise(e.pieceRef);
  if (ref.length >= 4) out.add(ref);
  if (e.pieceRef.startsWith("po_")) out.add("STRIPE");
  const words = normalise(e.label)
    .split(" ")
    .filter((w) => w.length >= 3 && !NOISE.has(w) && !/^\d{1,2}$/.test(w));
  if (words.length) out.add(words.slice(0, 4).join(" "));
  for (const w of words) if (/\d/.test(w) && w.length >= 4) out.add(w);
  return [...out];
}

/** How well an entry's needles are found in the line's text, 0 to 1 (fuse.js, location ignored). */
export function textScore(line: LineIn, entry: EntryIn, fuse?: Fuse<string>): number {
  const text = normalise([line.label, line.counterparty ?? "", line.reference ?? ""].join(" "));
  const f = fuse ?? lineFuse(line);
  const words = new Set(text.split(/[\s_-]+/));
  let best = 0;
  for (const n of needles(entry)) {
    if (text.includes(n)) {
      best = Math.max(best, 1);
      continue;
    }
    // Fuzzy (fuse's patterns are best under 32 characters), and word by word: the words of the
    // needle found in the text, whole or as the start of a longer word ("CONV" in "CONVENTION").
    const pattern = n.length > 32 ? n.slice(0, 32) : n;
    const r = f.search(pattern)[0];
    if (r && r.score !== undefined) best = Math.max(best, 1 - r.score);
    best = Math.max(best, wordScore(n, words));
  }
  return best;
}

function wordScore(needle: string, words: Set<string>): number {
  const parts = needle.split(/[\s_-]+/).filter((w) => w.length >= 2);
  if (!parts.length) return 0;
  let total = 0;
  for (const w of parts) {
    if (words.has(w)) total += 1;
    else if (w.length >= 4 && [...words].some((x) => x.startsWith(w))) total += 0.8;
  }
  return total / parts.length;
}

function lineFuse(line: LineIn): Fuse<string> {
  const text = normalise([line.label, line.counterparty ?? "", line.reference ?? ""].join(" "));
  return new Fuse([text], { includeScore: true, ignoreLocation: true, threshold: 0.45, minMatchCharLength: 3 });
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Subsets of `items` (at most `max` of them, each within reach) whose amounts add up to `target`. */
function subsetsSumming<T extends { amount: number }>(items: T[], target: number, max: number, limit = 50): T[][] {
  const out: T[][] = [];
  const pool = items.slice(0, 24);
  const walk = (start: number, chosen: T[], total: number) => {
    if (out.length >= limit) return;
    if (chosen.length >= 2 && total === target) {
      out.push([...chosen]);
      return;
    }
    if (chosen.length === max) return;
    for (let i = start; i < pool.length; i++) {
      const it = pool[i]!;
      chosen.push(it);
      walk(i + 1, chosen, total + it.amount);
      chosen.pop();
    }
  };
  walk(0, [], 0);
  return out;
}

/** One line against the entries of its amount: a Stripe payout by its id, else exact amounts near in date or in text. */
function oneToOne(lines: LineIn[], entries: EntryIn[], win: number, refDays: number, out: Proposal[]): Set<string> {
  const byAmount = new Map<number, EntryIn[]>();
  for (const e of entries) byAmount.set(e.amount, [...(byAmount.get(e.amount) ?? []), e]);
  const explained = new Set<string>();

  for (const line of lines) {
    const fuse = lineFuse(line);
    const payoutId = PAYOUT_ID.exec(`${line.label} ${line.reference ?? ""}`)?.[0];
    if (payoutId) {
      const e = entries.find((x) => x.pieceRef === payoutId);
      if (e && e.amount === line.amount) {
        out.push({
          lineIds: [line.id],
          entryIds: [e.entryId],
          amount: line.amount,
          score: 1,
          kind: "payout-id",
          reason: `Virement Stripe ${payoutId} : même identifiant, même montant`,
        });
        explained.add(line.id);
        continue;
      }
    }
    const same = byAmount.get(line.amount) ?? [];
    let found = false;
    for (const e of same) {
      const d = days(line.date, e.date);
      const t = textScore(line, e, fuse);
      if (d <= win) {
        found = true;
        out.push({
          lineIds: [line.id],
          entryIds: [e.entryId],
          amount: line.amount,
          score: round(0.7 + 0.15 * (1 - d / (win + 1)) + 0.15 * t),
          kind: "exact",
          reason: `Montant exact, ${d} jour${d > 1 ? "s" : ""} d'écart${t >= 0.6 ? `, libellé proche (${Math.round(t * 100)} %)` : ""}`,
        });
      } else if (d <= refDays && t >= 0.6) {
        found = true;
        out.push({
          lineIds: [line.id],
          entryIds: [e.entryId],
          amount: line.amount,
          score: round(0.4 + 0.3 * t),
          kind: "reference",
          reason: `Montant exact et libellé proche (${Math.round(t * 100)} %), ${d} jours d'écart`,
        });
      }
    }
    if (found) explained.add(line.id);
  }
  return explained;
}

/** One line, several entries (a grouped payment): entries of the same sign within the window. */
function groupedEntries(lines: LineIn[], entries: EntryIn[], win: number, maxGroup: number, explained: Set<string>, out: Proposal[]): void {
  for (const line of lines) {
    if (explained.has(line.id)) continue;
    const fuse = lineFuse(line);
    const near = entries
      .filter((e) => Math.sign(e.amount) === Math.sign(line.amount) && Math.abs(e.amount) < Math.abs(line.amount) && days(line.date, e.date) <= win)
      .map((e) => ({ ...e, t: textScore(line, e, fuse) }))
      .sort((a, b) => b.t - a.t || days(line.date, a.date) - days(line.date, b.date));
    for (const group of subsetsSumming(near, line.amount, maxGroup)) {
      const t = group.reduce((s, e) => s + e.t, 0) / group.length;
      out.push({
        lineIds: [line.id],
        entryIds: group.map((e) => e.entryId),
        amount: line.amount,
        score: round(0.5 + 0.35 * t - 0.02 * group.length),
        kind: "grouped-entries",
        reason: `Paiement groupé : ${group.length} écritures dont la somme est le montant${t >= 0.6 ? `, libellés proches (${Math.round(t * 100)} %)` : ""}`,
      });
    }
  }
}

/** Several lines, one entry (a payment made in instalments): lines no proposal explains yet. */
function groupedLines(lines: LineIn[], entries: EntryIn[], win: number, maxGroup: number, out: Proposal[]): void {
  const lineExplained = new Set(out.flatMap((p) => p.lineIds));
  const entryExplained = new Set(out.flatMap((p) => p.entryIds));
  for (const e of entries) {
    if (entryExplained.has(e.entryId)) continue;
    const near = lines
      .filter(
        (l) =>
          !lineExplained.has(l.id) && Math.sign(l.amount) === Math.sign(e.amount) && Math.abs(l.amount) < Math.abs(e.amount) && days(l.date, e.date) <= win,
      )
      .map((l) => ({ ...l, t: textScore(l, e) }))
      .sort((a, b) => b.t - a.t || a.date.localeCompare(b.date));
    for (const group of subsetsSumming(near, e.amount, maxGroup)) {
      const t = group.reduce((s, l) => s + l.t, 0) / group.length;
      out.push({
        lineIds: group.map((l) => l.id),
        entryIds: [e.entryId],
        amount: e.amount,
        score: round(0.5 + 0.35 * t - 0.02 * group.length),
        kind: "grouped-lines",
        reason: `${group.length} lignes de banque dont la somme est le montant de l'écriture${t >= 0.6 ? `, libellés proches (${Math.round(t * 100)} %)` : ""}`,
      });
    }
  }
}

/** Every proposal worth showing, best first (not yet de-duplicated). */
export function candidates(lines: LineIn[], entries: EntryIn[], opts: MatchOptions): Proposal[] {
  const win = opts.windowDays;
  const maxGroup = opts.maxGroup ?? 4;
  const out: Proposal[] = [];
  const explained = oneToOne(lines, entries, win, opts.referenceDays ?? 45, out);
  groupedEntries(lines, entries, win, maxGroup, explained, out);
  groupedLines(lines, entries, win, maxGroup, out);
  return out.sort((a, b) => b.score - a.score);
}

export interface Proposals {
  /** One proposal per line or group, no line or entry used twice, best first. */
  proposals: Array<Proposal & { alternatives: Proposal[] }>;
}

/** The best proposals, no line and no entry used twice; the others kept as alternatives. */
export function propose(lines: LineIn[], entries: EntryIn[], opts: MatchOptions): Proposals {
  const rejected = opts.rejected ?? new Set<string>();
  const all = candidates(lines, entries, opts).filter((p) => !p.lineIds.some((l) => p.entryIds.some((e) => rejected.has(`${l}|${e}`))));
  const takenLines = new Set<string>();
  const takenEntries = new Set<string>();
  const chosen: Array<Proposal & { alternatives: Proposal[] }> = [];
  for (const p of all) {
    if (p.lineIds.some((id) => takenLines.has(id)) || p.entryIds.some((id) => takenEntries.has(id))) continue;
    p.lineIds.forEach((id) => takenLines.add(id));
    p.entryIds.forEach((id) => takenEntries.add(id));
    chosen.push({ ...p, alternatives: [] });
  }
  for (const p of all) {
    if (chosen.some((c) => c.lineIds.join() === p.lineIds.join() && c.entryIds.join() === p.entryIds.join())) continue;
    const home = chosen.find((c) => c.lineIds.some((id) => p.lineIds.includes(id)));
    if (home && home.alternatives.length < 3) home.alternatives.push(p);
  }
  return { proposals: chosen };
}
