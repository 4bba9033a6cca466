/**
 * Expenses: a supplier's invoice booked in the purchases journal (6xx / 401, the supplier as the
 * auxiliary account) and, when it is already paid, its payment (401 / 512, or 530 in cash). An
 * expense tagged to a grant adds to the grant's and its funder's `spent` in the purchase's
 * transaction.
 *
 * Errors: ValidationError (not a charge account of the chart), NotFoundError (grant),
 * ConflictError (closed year, more spent on a grant than it awards, idempotency key reused).
 */
import type { Db } from "../db/client.js";
import { decideAgain, UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearOf } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { accountExists, writeDraft, type Actor, type EntryView, type Idempotency, type Line } from "../ledger/index.js";
import { BANK, CASH, funderTotalsItem, grantTotalsItem, idempotentEntry, idFor, readGrant, SUPPLIERS, validated } from "../grants/index.js";
import { projectNames, splitAmount } from "../projects/index.js";
import type { ExpenseInput, ExpenseListQuery } from "./schemas.js";
import {
  expensePaidItem,
  grantShareItem,
  listExpensePage,
  listGrantExpensePage,
  newExpenseItem,
  readExpense,
  type Expense,
  type ExpenseEvent,
} from "./store.js";
import { supplierAccount } from "./suppliers.js";
import { nowIso } from "../clock.js";

/** The expense already names its payment entry (a retry, or a concurrent twin wrote it). */
class AlreadyPaid extends Error {}

const purchaseId = (expenseId: string) => `${expenseId}-ha`;
const paymentId = (expenseId: string) => `${expenseId}-rg`;

/** A charge account (class 6) the chart knows, seeded or added by the association (`62261`). */
export async function checkChargeAccount(db: Db, account: string): Promise<void> {
  if (!account.startsWith("6") || !(await accountExists(db, account)))
    throw new ValidationError([{ path: "account", message: `${account} is not a charge account (class 6) of the chart` }]);
}

/** The projects' parts of `amount` (the expense's analytic split, to the cent), or one part with no project. */
function projectParts(projects: Expense["projects"], amount: number): { project?: string; amount: number }[] {
  if (!projects?.length || amount <= 0) return [{ amount }];
  return splitAmount(amount, projects, "projects").filter((p) => p.amount > 0);
}

/** Lines of `amount` on `account`, one per project of the expense's split, on one side. */
export function chargeLines(account: string, projects: Expense["projects"], amount: number, side: "debit" | "credit", label: string): Line[] {
  return projectParts(projects, amount).map((p) => ({
    account,
    debit: side === "debit" ? p.amount : 0,
    credit: side === "credit" ? p.amount : 0,
    label,
    ...(p.project ? { project: p.project } : {}),
  }));
}

/**
 * The projects named exist; a ValidationError names each unknown one at its path (`projects.0.projectId`,
 * or `project` for the one project of `POST /v1/expenses`).
 */
export async function checkExpenseProjects(db: Db, projects: readonly { projectId: string }[], path: "project" | "projects"): Promise<void> {
  if (!projects.length) return;
  const known = await projectNames(
    db,
    projects.map((p) => p.projectId),
  );
  const errors = projects
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !known.has(p.projectId))
    .map(({ p, i }) => ({ path: path === "project" ? "project" : `projects.${i}.projectId`, message: `aucun projet n'a le code ${p.projectId}` }));
  if (errors.length) throw new ValidationError(errors);
}

/** The expense's projects: the one project named (its whole amount), or the split by share; undefined for none. */
function projectsOf(input: ExpenseInput): Expense["projects"] {
  if (input.projects?.length) return input.projects.map((p) => ({ projectId: p.projectId, share: p.share }));
  return input.project ? [{ projectId: input.project, share: 1 }] : undefined;
}

/** What the expense costs after its credit notes (0 once cancelled). */
export const netOf = (e: Expense) => (e.cancelled ? 0 : e.amount - (e.creditNotes ?? []).reduce((s, c) => s + c.amount, 0));
/** The grants it is spent on (an expense tagged before allocations existed: its whole amount on its grant). */
export const sharesOf = (e: Expense) => e.grants ?? (e.grantId ? [{ grantId: e.grantId, amount: e.amount }] : []);
/** What was paid to the supplier. */
export const paidOf = (e: Expense) => (e.paid ? (e.paid.amount ?? e.amount) : 0);

/** The expense as the API shows it: what it costs now, what is due, its grants and its history (booking first). */
export function expenseView(e: Expense) {
  const net = netOf(e);
  const booked: ExpenseEvent = {
    kind: "booking",
    at: e.createdAt,
    by: e.createdBy ?? null,
    reason: "",
    date: e.date,
    entryIds: [e.purchaseEntryId],
    amount: e.amount,
  };
  const { version: _v, history, ...rest } = e;
  return {
    ...rest,
    file: e.file ?? null,
    grants: sharesOf(e),
    projects: e.projects ?? [],
    creditNotes: e.creditNotes ?? [],
    cancelled: e.cancelled ?? null,
    net,
    due: e.cancelled ? 0 : net - paidOf(e),
    status: e.cancelled ? ("cancelled" as const) : e.paid ? ("paid" as const) : ("unpaid" as const),
    history: [booked, ...(history ?? [])],
  };
}

/** `POST /v1/expenses`: the purchase entry, and the payment entry when it is paid. */
export async function createExpense(db: Db, input: ExpenseInput, idem?: Idempotency, actor?: Actor) {
  const id = idFor(idem);
  if (await idempotentEntry(db, idem)) return finish(db, id, actor);
  await checkChargeAccount(db, input.account);
  const projects = projectsOf(input);
  if (projects) await checkExpenseProjects(db, projects, input.project ? "project" : "projects");

  const aux = { number: (await supplierAccount(db, input.supplier)).number, label: input.supplier };
  const year = fiscalYearOf(input.date);
  const expense: Expense = {
    id,
    date: input.date,
    year,
    supplier: input.supplier,
    supplierAux: aux.number,
    account: input.account,
    amount: input.amount,
    label: input.label,
    pieceRef: input.pieceRef,
    grantId: input.grantId ?? null,
    grants: input.grantId ? [{ grantId: input.grantId, amount: input.amount }] : [],
    paid: input.paid ? { ...input.paid, amount: input.amount } : null,
    purchaseEntryId: purchaseId(id),
    paymentEntryId: null,
    file: null,
    createdAt: nowIso(),
    createdBy: actor ? { sub: actor.sub, role: actor.role } : null,
    version: 0,
    ...(projects ? { projects } : {}),
  };
  const lines: Line[] = [
    ...chargeLines(input.account, projects, input.amount, "debit", input.label),
    { account: SUPPLIERS, debit: 0, credit: input.amount, label: input.label, aux },
  ];

  // Another payment or expense moved the grant since it was read ("grant" failed): read it again and re-check.
  return decideAgain(
    async () => {
      const work = new UnitOfWork().add(newExpenseItem(expense));
      if (input.grantId) {
        const g = await readGrant(db, input.grantId);
        if (!g) throw new NotFoundError(`No grant ${input.grantId}.`);
        const left = g.amount - g.spent;
        if (input.amount > left)
          throw new ConflictError(
            `The grant "${g.title}" awards ${g.amount} cents and ${g.spent} are already spent on it: ${left} can still be tagged to it. Book the rest without the grant.`,
            {
              grantId: g.id,
              left,
            },
          );
        work.add(
          grantTotalsItem(g.id, { year, spent: input.amount }, { version: g.version }),
          funderTotalsItem(g.funderId, { year, spent: input.amount }),
          grantShareItem(expense, g.id, input.amount),
        );
      }
      const { existed } = await writeDraft(
        db,
        { journal: "HA", date: input.date, label: `${input.supplier} : ${input.label}`.slice(0, 200), pieceRef: input.pieceRef, lines },
        { id: purchaseId(id), idempotency: idem, actor, work, owner: "grants" },
      );
      if (existed && idem && !(await readExpense(db, id))) throw new ConflictError("This Idempotency-Key was already used for another operation.");
      return finish(db, id, actor);
    },
    { attempts: 11, stale: ["grant"] },
  );
}

/** Waits for the purchase entry, writes the payment entry if the expense is paid and it is missing. */
async function finish(db: Db, id: string, actor?: Actor) {
  const e = await readExpense(db, id);
  if (!e) throw new ConflictError("This Idempotency-Key was already used for another operation.");
  const entries: EntryView[] = [await validated(db, e.purchaseEntryId)];
  if (e.paid) {
    const account = e.paid.method === "cash" ? CASH : BANK;
    const label = `Règlement ${e.supplier} : ${e.label}`.slice(0, 200);
    await writeDraft(
      db,
      {
        journal: e.paid.method === "cash" ? "OD" : "BQ",
        date: e.paid.date,
        label,
        pieceRef: e.pieceRef,
        pieceDate: e.date,
        lines: [
          { account: SUPPLIERS, debit: e.amount, credit: 0, label, aux: { number: e.supplierAux, label: e.supplier } },
          { account, debit: 0, credit: e.amount, label },
        ],
      },
      {
        id: paymentId(id),
        actor,
        owner: "grants",
        work: new UnitOfWork().add(expensePaidItem(id, paymentId(id))).failsWith("expense-paid", () => new AlreadyPaid()),
      },
    ).catch((err) => {
      // Written already (a retry), or the expense already names it: nothing more to write.
      if (err instanceof AlreadyPaid) return;
      throw err;
    });
    entries.push(await validated(db, paymentId(id)));
  }
  return { ...expenseView((await readExpense(db, id))!), entries };
}

export async function getExpense(db: Db, id: string) {
  const e = await readExpense(db, id);
  if (!e) throw new NotFoundError(`No expense ${id}.`);
  return expenseView(e);
}

/** `GET /v1/expenses?year=&project=`: the year's expenses in date order (those the project carries, whole or a share), a page at a time. */
export async function listExpenses(db: Db, q: Omit<ExpenseListQuery, "project"> & { project?: string }) {
  const project = q.project;
  const keep = project ? (e: Expense) => (e.projects ?? []).some((p) => p.projectId === project) : undefined;
  const page = await listExpensePage(db, q.year, q.limit, q.cursor, keep);
  return { items: page.items.map(expenseView), nextCursor: page.nextCursor };
}

/** `GET /v1/grants/{id}/expenses`: what was spent on a grant, in date order (the funder's compte d'emploi). */
export async function listGrantExpenses(db: Db, grantId: string, q: { limit: number; cursor?: string }) {
  if (!(await readGrant(db, grantId))) throw new NotFoundError(`No grant ${grantId}.`);
  const page = await listGrantExpensePage(db, grantId, q.limit, q.cursor);
  return { items: page.items.map(expenseView), nextCursor: page.nextCursor };
}

/**
 * The supplier's oldest expense still unpaid of exactly `amount` (what it costs after its credit
 * notes), dated no later than `date`: in the fiscal year of `date` and the one before.
 */
export async function openExpenseOf(db: Db, supplierAux: string, amount: number, date: string): Promise<Expense | undefined> {
  const year = fiscalYearOf(date);
  for (const y of [year - 1, year]) {
    let cursor: string | undefined;
    do {
      const page = await listExpensePage(db, y, 200, cursor);
      const hit = page.items.find((e) => e.supplierAux === supplierAux && !e.paid && !e.cancelled && e.date <= date && netOf(e) === amount);
      if (hit) return hit;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return undefined;
}
