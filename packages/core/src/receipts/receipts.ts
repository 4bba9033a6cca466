/**
 * Tax receipts (reçus fiscaux, CERFA 11580): the use cases. A receipt has a gapless number per
 * calendar year (`2024-000001`) and is frozen when issued: every printed field (donor as cleaned,
 * the association's identity, the signatory, the articles ticked: the settings of that day) is kept
 * on the receipt, and its PDF is rendered once, stored in the files bucket
 * (`receipts/<year>/<number>.pdf`) with its SHA-256 on the receipt. A later change of settings or
 * of a donor's record never changes it; downloads answer those bytes.
 *
 * A receipt is never deleted: a refund cancels it (kept, marked) and, for a partial refund, a new
 * receipt is issued for the remainder. Monthly donors get one recap per Stripe subscription and
 * year, once the year has ended; a refund after it cancels and replaces it.
 *
 * Errors: ConflictError (receipts off, settings missing or wrong, year not ended), NotFoundError.
 */
import { filedCalendarFigures } from "./declaration.js";
import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import type { NamedItem } from "../db/store.js";
import { decideAgain as runAgain } from "../db/unit-of-work.js";
import { parisDate } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { getObject, putObject } from "../files/index.js";
import type { Donation } from "../giving/index.js";
import {
  giftYear,
  kept,
  methodLabel,
  plan,
  printedDonor,
  receiptFile,
  receiptNumber,
  recapsOf,
  wantsSingleReceipt,
  yearHasEnded,
  type Receipt,
} from "./model.js";
import { issuerFor, type ReceiptSettings } from "./settings.js";
import {
  readAllReceipts,
  receiptsCursor,
  readAnchored,
  readDeclaration,
  readGift,
  readGifts,
  readGiftsOfYear,
  readNextNumber,
  readReceipt,
  readReceiptPage,
  recordSha256,
  writeChange,
  type Anchor,
} from "./store.js";
import { now } from "../clock.js";

export type { Receipt } from "./model.js";
export { methodLabel } from "./model.js";
export { receiptKey } from "./store.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A transaction lost to another writer (or a stale read) is decided again from fresh reads (back-off capped at 320 ms). */
const decideAgain = <T>(attempt: () => Promise<T>): Promise<T> => runAgain(attempt, { stale: "any", attempts: 50, backoffCap: 320 });

/**
 * What a receipt decision tells the donor: given the receipt issued and the one cancelled (either
 * or both), the intents to commit in the decision's own transaction (the workflow builds the mail
 * outbox's messages; the receipts domain does not know mail).
 */
export type ReceiptNotifier = (change: { issued?: Receipt; cancelled?: Receipt }) => NamedItem[];

interface Draft {
  year: number;
  kind: Receipt["kind"];
  donor: Receipt["donor"];
  amount: number;
  gifts: Receipt["gifts"];
  method: string;
  subscriptionId?: string;
}

/**
 * Applies a decision for one anchor: issues, replaces or cancels, in one transaction; renders and
 * stores the new receipt's PDF. Answers the receipt that stands afterwards (or the cancelled one).
 */
async function settle(
  db: Db,
  settings: ReceiptSettings,
  anchor: Anchor,
  current: Receipt | undefined,
  draft: Draft,
  gifts: Donation[],
  reasons: { partial: string; full: string },
  legacy = false,
  notify?: ReceiptNotifier,
): Promise<Receipt | undefined> {
  const p = plan(current, draft.amount);
  if (p.action === "keep") return current;
  const today = parisDate(now());
  let issued: Receipt | undefined;
  // A new receipt needs receipts on and complete settings (else 409); cancelling one never does.
  // Receipts off: no new receipt (a replacement becomes a plain cancellation).
  if (p.action === "issue" && !settings.enabled) return current;
  if (p.action !== "cancel" && settings.enabled) {
    const issuer = issuerFor(settings);
    const id = receiptNumber(draft.year, await readNextNumber(db, draft.year));
    issued = {
      id,
      year: draft.year,
      kind: draft.kind,
      status: "issued",
      issuedOn: today,
      donor: draft.donor,
      amount: draft.amount,
      gifts: draft.gifts,
      method: draft.method,
      ...(draft.subscriptionId ? { subscriptionId: draft.subscriptionId } : {}),
      ...(current ? { replaces: current.id } : {}),
      issuer,
      file: receiptFile(id),
    };
  }
  const cancel = current?.status === "issued" ? { on: today, reason: issued ? reasons.partial : reasons.full } : undefined;
  if (!issued && !cancel) return current;
  const cancelled = cancel && current ? { ...current, status: "cancelled" as const, cancelledOn: cancel.on, cancelReason: cancel.reason } : undefined;
  const also = notify?.({ ...(issued ? { issued } : {}), ...(cancelled ? { cancelled } : {}) }) ?? [];
  await writeChange(db, {
    anchor,
    ...(current ? { current, legacy } : {}),
    ...(issued ? { issue: issued } : {}),
    ...(cancel ? { cancel } : {}),
    gifts: gifts.slice(0, 90).map((g) => ({ chargeId: g.chargeId, refunded: g.refunded ?? 0 })),
    ...(also.length ? { also } : {}),
  });
  // Rendered once the number is won (a lost race renders nothing); the PDF is a function of the
  // frozen fields only, so a crash before this point is completed by the first download.
  if (issued) return { ...issued, sha256: await storePdf(db, issued) };
  return cancelled ?? current;
}

/**
 * Brings the receipt of one gift in line with what was kept of it (amount − refunds): issues it,
 * or cancels it and issues the remainder. For a monthly gift whose subscription already has its
 * annual recap, the recap is cancelled and replaced. Safe to call any number of times, in any order.
 * `settings` are the receipt settings of the moment (workflows/receipts.ts reads them from the
 * settings domain, else the environment).
 */
export async function reconcileReceipt(db: Db, chargeId: string, settings: ReceiptSettings, notify?: ReceiptNotifier): Promise<Receipt | undefined> {
  return decideAgain(async () => {
    const gift = await readGift(db, chargeId);
    if (!gift?.amount) return undefined;
    if (gift.frequency === "monthly" && gift.subscriptionId)
      return reconcileAnnual(db, settings, giftYear(gift.date), gift.subscriptionId, "update", undefined, notify);
    const anchor: Anchor = { kind: "gift", chargeId };
    const linked = await readAnchored(db, anchor);
    // Receipts issued before links existed are named on the gift record itself.
    const legacy = !linked && gift.receiptId ? await readReceipt(db, gift.receiptId) : undefined;
    const current = linked ?? legacy;
    if (!current && !wantsSingleReceipt(gift)) return undefined;
    const amount = wantsSingleReceipt(gift) ? kept(gift) : 0;
    return settle(
      db,
      settings,
      anchor,
      current,
      {
        year: giftYear(gift.date),
        kind: "single",
        // A replacement keeps the identity printed on the receipt it replaces.
        donor: current?.donor ?? printedDonor(gift),
        amount,
        gifts: [{ date: gift.date, amount, reference: chargeId }],
        method: current?.method ?? methodLabel(gift.method),
      },
      [gift],
      { partial: "Remboursement partiel : remplacé", full: "Don remboursé" },
      !!legacy,
      notify,
    );
  });
}

/**
 * The recap of one subscription's year. `create`: issue it unless it exists; `update`: only bring an
 * existing one in line (a refund after it was issued). `preloaded`: the subscription's gifts, when
 * the caller has read them already.
 */
async function reconcileAnnual(
  db: Db,
  settings: ReceiptSettings,
  year: number,
  subscriptionId: string,
  mode: "create" | "update",
  preloaded?: Donation[],
  notify?: ReceiptNotifier,
) {
  const anchor: Anchor = { kind: "annual", year, subscriptionId };
  const current = await readAnchored(db, anchor);
  if (mode === "create" ? !!current : !current) return mode === "create" ? undefined : current;
  const gifts = preloaded
    ? await readGifts(
        db,
        preloaded.map((g) => g.chargeId),
      )
    : await readGiftsOfYear(db, year, (d) => d.subscriptionId === subscriptionId);
  const recap = recapsOf(gifts).find((r) => r.subscriptionId === subscriptionId);
  if (!recap && !current) return undefined;
  const list = recap?.gifts ?? [];
  const first = list[0];
  const last = list.at(-1);
  return settle(
    db,
    settings,
    anchor,
    current,
    {
      year,
      kind: "annual",
      // The identity given for this subscription (its checkout, copied on each of its gifts); a replacement keeps the one printed.
      donor: current?.donor ?? printedDonor(first!),
      amount: recap?.amount ?? 0,
      gifts: list.filter((g) => kept(g) > 0).map((g) => ({ date: g.date, amount: kept(g), reference: g.chargeId })),
      method: current?.method ?? methodLabel(last?.method),
      subscriptionId,
    },
    list,
    { partial: "Remboursement d'un don mensuel : remplacé", full: "Dons de l'année remboursés" },
    false,
    notify,
  );
}

/**
 * One recap receipt per monthly subscription for a year that has ended (409 before, and 409 when
 * receipts are off or settings are missing); a subscription that has one already is skipped.
 */
export async function issueAnnualReceipts(db: Db, year: number, settings: ReceiptSettings, notify?: ReceiptNotifier) {
  issuerFor(settings);
  if (!yearHasEnded(year)) throw new ConflictError(`The annual recap receipts of ${year} can be issued once the year has ended, from 1 January ${year + 1}.`);
  const gifts = await readGiftsOfYear(db, year, (d) => d.frequency === "monthly" && d.kind === "donation");
  const issued: Receipt[] = [];
  let skipped = 0;
  for (const recap of recapsOf(gifts)) {
    const r = await decideAgain(() => reconcileAnnual(db, settings, year, recap.subscriptionId, "create", recap.gifts, notify));
    if (r) issued.push(r);
    else skipped++;
  }
  return { year, issued: issued.map((r) => listView(r, true)), skipped };
}

/** A receipt as listed: no frozen issuer or file location; no address unless asked. */
function listView(r: Receipt, withAddresses: boolean) {
  const { issuer: _i, file: _f, ...rest } = r;
  if (withAddresses) return rest;
  const { address: _a, ...donor } = rest.donor;
  return { ...rest, donor };
}

export async function getReceipt(db: Db, id: string): Promise<Receipt | undefined> {
  return readReceipt(db, id);
}

/**
 * A page of the year's receipts in number order (`limit`, signed `cursor`), with the two figures
 * of the art. 222 bis declaration for the whole year (issued receipts only).
 */
export async function listReceipts(db: Db, year: number, opts: { withAddresses: boolean; limit?: number; cursor?: string }) {
  const limit = opts.limit ?? 100;
  const c = receiptsCursor.read(opts.cursor);
  if (c && (c.y !== year || typeof c.a !== "string")) throw new ValidationError([{ path: "cursor", message: "belongs to another year's listing" }]);
  const page = await readReceiptPage(db, year, limit, c?.a);
  const last = page.items.at(-1);
  // Once filed (art. 222 bis), the year's figures are those filed: later refunds do not move them.
  let declaration: { count: number; total: number; filedOn?: string } | undefined = (await filedCalendarFigures(db, year)) ?? (await readDeclaration(db, year));
  if (!declaration) {
    // Receipts issued before the totals were kept: count them once.
    const all = (await readAllReceipts(db, year)).filter((r) => r.status === "issued");
    declaration = { count: all.length, total: all.reduce((s, r) => s + r.amount, 0) };
  }
  return {
    year,
    items: page.items.map((r) => listView(r, opts.withAddresses)),
    nextCursor: page.more && last ? receiptsCursor.write({ y: year, a: last.id }) : null,
    declaration,
  };
}

/** Renders a frozen receipt, stores the PDF and records its SHA-256 on the receipt (once). */
async function storePdf(db: Db, r: Receipt): Promise<string> {
  const { renderReceiptPdf } = await import("./pdf.js");
  const pdf = await renderReceiptPdf(r);
  const sum = sha256(pdf);
  await putObject(r.file!, pdf, "application/pdf");
  const recorded = await recordSha256(db, r.id, sum);
  if (recorded !== sum) throw new Error(`Receipt ${r.id}: rendered again with another SHA-256 than the one recorded`);
  return sum;
}

/**
 * The receipt's PDF: the bytes stored when it was issued (checked against its SHA-256). A file lost
 * or altered is rendered again from the frozen fields and kept, but only if it gives the same
 * SHA-256. A cancelled receipt is printed from its frozen fields with its cancellation.
 */
export async function receiptPdf(db: Db, id: string): Promise<Uint8Array> {
  const { renderReceiptPdf } = await import("./pdf.js");
  const r = await readReceipt(db, id);
  if (!r) throw new NotFoundError(`No receipt ${id}.`);
  if (r.status === "cancelled" || !r.issuer || !r.file) return renderReceiptPdf(r);
  if (!r.sha256) await storePdf(db, r);
  const sum = r.sha256 ?? (await readReceipt(db, id))!.sha256!;
  const stored = await getObject(r.file);
  if (stored && sha256(stored) === sum) return stored;
  const again = await renderReceiptPdf(r);
  if (sha256(again) !== sum) throw new Error(`Receipt ${id}: the stored PDF is missing or altered and cannot be rebuilt identically`);
  await putObject(r.file, again, "application/pdf");
  return again;
}
