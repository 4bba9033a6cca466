/**
 * « À traiter »: what waits for the trésorier, read from each domain through its door (the console's
 * dashboard lists it, each task a link to the screen where it is done):
 * - bank lines not yet matched (every configured account, any date), with the oldest;
 * - the year's expenses without their invoice file (a cancelled expense needs none);
 * - the year's gifts and fees whose tax receipt waits for a postal address (receipts on);
 * - the addresses marked as bouncing (their messages are not sent until the mark is lifted);
 * - grants whose compte-rendu financier is owed: the action ended, the report is due (the grant's
 *   final reporting date, else six months after the end, CERFA 15059: the projects domain's
 *   `reportDue`) or late (that date passed: `late`, « en retard »), and it is not recorded as sent
 *   to the funder (« remis le », the report's texts' `sentOn`);
 * - the closing checklist's open points (warning or blocking) of every year that has ended and is
 *   still open (workflows/closing-checklist.ts);
 * - the year's payment incidents.
 */
import { listLines } from "../bank/index.js";
import { now } from "../clock.js";
import type { Db } from "../db/client.js";
import { fiscalYearBounds, fiscalYearOf, parisDate } from "../dates.js";
import { giftsAwaitingAddress, listIncidents, type GiftAwaitingAddress } from "../giving/index.js";
import { listGrants } from "../grants/index.js";
import { listYears } from "../ledger/index.js";
import { markedAddresses } from "../mail/index.js";
import { getReportTexts, reportDue, STATUS_LABELS } from "../projects/index.js";
import { bankAccountsOf, givingSettingsOf } from "../settings/index.js";
import { listExpenses } from "../spending/index.js";
import { closingChecklist, type ChecklistItem } from "./closing-checklist.js";
import { currentReceiptSettings } from "./receipts.js";

/** How many of a task's own rows the answer carries (the count is always the whole). */
export const TODO_LISTED = 50;

export interface TodoList {
  year: number;
  asOf: string;
  bankLines: { count: number; oldest: string | null };
  missingInvoices: { count: number; expenses: { id: string; date: string; supplier: string; pieceRef: string; amount: number }[] };
  receiptsAwaitingAddress: { count: number; gifts: GiftAwaitingAddress[] };
  bouncedAddresses: { count: number; addresses: { email: string; type: "bounce" | "complaint"; reason: string; at: string }[] };
  /** Reports due or late (past their deadline: `late`, « en retard »), not yet sent to the funder. */
  grantReports: {
    count: number;
    grants: { id: string; title: string; funderName: string; endDate: string; dueDate: string; late: boolean; statusLabel: string }[];
  };
  paymentIncidents: { count: number };
  /** The closing checklists of the years ended and still open, earliest first: their points not ok. */
  closing: { count: number; years: { year: number; ready: boolean; items: Pick<ChecklistItem, "id" | "status" | "title" | "fix">[] }[] };
}

async function unmatchedLines(db: Db): Promise<TodoList["bankLines"]> {
  const accounts = await bankAccountsOf(db);
  let count = 0;
  let oldest: string | null = null;
  let cursor: string | undefined;
  do {
    const page = await listLines(db, accounts, { status: "unmatched", limit: 500, ...(cursor ? { cursor } : {}) });
    count += page.items.length;
    for (const l of page.items) if (oldest === null || l.date < oldest) oldest = l.date;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { count, oldest };
}

async function missingInvoices(db: Db, year: number): Promise<TodoList["missingInvoices"]> {
  const out: TodoList["missingInvoices"]["expenses"] = [];
  let cursor: string | undefined;
  do {
    const page = await listExpenses(db, { year, limit: 500, ...(cursor ? { cursor } : {}) });
    // A cancelled expense (issue 19's corrections carry `cancelled`) needs no invoice any more.
    for (const e of page.items)
      if (e.file === null && !(e as { cancelled?: unknown }).cancelled)
        out.push({ id: e.id, date: e.date, supplier: e.supplier, pieceRef: e.pieceRef, amount: e.amount });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { count: out.length, expenses: out.slice(0, TODO_LISTED) };
}

async function awaitingAddress(db: Db, year: number): Promise<TodoList["receiptsAwaitingAddress"]> {
  const [receipts, giving] = await Promise.all([currentReceiptSettings(db), givingSettingsOf(db)]);
  if (!receipts.enabled) return { count: 0, gifts: [] };
  const gifts = await giftsAwaitingAddress(db, year, new Set(giving.tiers.filter((t) => t.receipt).map((t) => t.id)));
  return { count: gifts.length, gifts: gifts.slice(0, TODO_LISTED) };
}

async function bounced(db: Db): Promise<TodoList["bouncedAddresses"]> {
  const marks = await markedAddresses(db);
  return { count: marks.length, addresses: marks.slice(0, TODO_LISTED) };
}

async function grantReports(db: Db, today: string): Promise<TodoList["grantReports"]> {
  const grants = (await listGrants(db)).items
    // A cancelled grant (issue 19's corrections carry `cancelled`) owes no compte-rendu.
    .filter((g) => !(g as { cancelled?: unknown }).cancelled)
    .map((g) => ({ g, due: reportDue(g, today) }))
    // Due, and late too: a report past its deadline is still owed (bug: it left the to-do the day it became late).
    .filter(({ due }) => due.status === "a-remettre" || due.status === "en-retard");
  // A report recorded as sent (« remis le », PUT …/financial-report/explanations) is done.
  const sent = await Promise.all(grants.map(async ({ g }) => (await getReportTexts(db, g.id)).sentOn));
  const owed = grants
    .filter((_, i) => !sent[i])
    .map(({ g, due }) => ({
      id: g.id,
      title: g.title,
      funderName: g.funderName,
      endDate: g.endDate,
      dueDate: due.dueDate,
      late: due.status === "en-retard",
      statusLabel: STATUS_LABELS[due.status],
    }))
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  return { count: owed.length, grants: owed.slice(0, TODO_LISTED) };
}

/** The years to close: ended (their last day before today) and still open; each checklist's points not ok. */
async function closing(db: Db, today: string): Promise<TodoList["closing"]> {
  const toClose = (await listYears(db, today)).filter((y) => y.status !== "closed" && fiscalYearBounds(y.year).end < today);
  const years = await Promise.all(
    toClose.map(async (y) => {
      const c = await closingChecklist(db, y.year, { today });
      const items = c.items.filter((i) => i.status !== "ok").map((i) => ({ id: i.id, status: i.status, title: i.title, ...(i.fix ? { fix: i.fix } : {}) }));
      return { year: y.year, ready: c.ready, items };
    }),
  );
  return { count: years.reduce((n, y) => n + y.items.length, 0), years };
}

/** `GET /v1/todo?year=`: what waits to be done, for the fiscal year `year` (default the current one) and today. */
export async function todoList(db: Db, opts: { year?: number; today?: string } = {}): Promise<TodoList> {
  const today = opts.today ?? parisDate(now());
  const year = opts.year ?? fiscalYearOf(today);
  const [bankLines, invoices, receipts, addresses, reports, incidents, closings] = await Promise.all([
    unmatchedLines(db),
    missingInvoices(db, year),
    awaitingAddress(db, year),
    bounced(db),
    grantReports(db, today),
    listIncidents(db, year),
    closing(db, today),
  ]);
  return {
    year,
    asOf: today,
    bankLines,
    missingInvoices: invoices,
    receiptsAwaitingAddress: receipts,
    bouncedAddresses: addresses,
    grantReports: reports,
    paymentIncidents: { count: incidents.items.length },
    closing: closings,
  };
}
