/**
 * Corrections of an expense, never edits: each writes its own entry through the ledger's posting
 * path (owner `grants`, so nobody reverses it by hand) together with the expense's new state, its
 * history event (who, when, why) and the grant and funder totals it moves, in one transaction.
 *
 * - cancellation: 401 / 6xx for what the expense still costs (HA); refused once paid (a credit note
 *   then, the supplier owes the money back);
 * - credit note (avoir): 401 / 6xx for its amount (HA), never above what the expense still costs;
 *   the grants' shares shrink in the same proportion;
 * - later payment of an expense booked unpaid: 401 / 512 (BQ, or the bank line's account, lettered
 *   with the line in the same transaction) or 401 / 530 (OD) for what is due;
 * - reclassement (booked on the wrong charge account): new account / old account (OD) for what the
 *   expense costs — supplier, payment, invoice file and grants stay as they are;
 * - allocation across grants (co-financing) by amount: no entry, the grants' and funders' `spent`
 *   move by the difference.
 *
 * A correction dated in a closed fiscal year is written on the first day of the first open year,
 * with the date asked kept in the history. Errors: NotFoundError (expense, grant, bank line),
 * ValidationError (account, dates, bank line), ConflictError (figures, already cancelled or paid).
 */
import type { Db } from "../db/client.js";
import { decideAgain, UnitOfWork } from "../db/unit-of-work.js";
import { fiscalYearBounds, fiscalYearOf, parisDate } from "../dates.js";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import { lineMatchItems, readLine } from "../bank/index.js";
import { BANK, CASH, funderTotalsItem, grantTotalsItem, idempotentEntry, readGrant, SUPPLIERS, validated } from "../grants/index.js";
import { findAccount, listYears, writeDraft, type Actor, type EntryView, type Idempotency, type Line } from "../ledger/index.js";
import { formatCents } from "../money.js";

import { now, nowIso } from "../clock.js";
import { chargeLines, checkChargeAccount, checkExpenseProjects, expenseView, netOf, paidOf, sharesOf } from "./expenses.js";
import {
  percent,
  sharesTotal,
  type AllocationInput,
  type CancellationInput,
  type CreditNoteInput,
  type ExpensePaymentInput,
  type ReclassificationInput,
} from "./schemas.js";
import { expenseCorrectionItem, grantShareItem, readExpense, type Expense, type ExpenseEvent, type GrantShare } from "./store.js";

/** 1 300,00 € (plain spaces: read in an error message). */
const euros = (cents: number) => formatCents(cents, { group: " ", currencySpace: " " });

const MAX_GRANTS = 10;
const by = (actor?: Actor) => (actor ? { sub: actor.sub, role: actor.role } : null);

async function mustRead(db: Db, id: string): Promise<Expense> {
  const e = await readExpense(db, id);
  if (!e) throw new NotFoundError(`Aucune dépense ${id}.`);
  return e;
}

/**
 * The date a correction is written on: the date asked, or — when its fiscal year is closed (or
 * being closed) — the first day of the first open year after it.
 */
export async function openDate(db: Db, date: string): Promise<{ date: string; askedDate?: string }> {
  const year = fiscalYearOf(date);
  const shut = new Set((await listYears(db)).filter((y) => y.status !== "open").map((y) => y.year));
  if (!shut.has(year)) return { date };
  let open = year;
  while (shut.has(open)) open++;
  return { date: fiscalYearBounds(open).start, askedDate: date };
}

/**
 * Moves the grants' and funders' `spent` (fiscal year `year`) from the shares `before` to `after`:
 * each grant under its version, one update per funder; a grant given more than it has left is a 409.
 */
async function moveGrants(db: Db, work: UnitOfWork, before: readonly GrantShare[], after: readonly GrantShare[], year: number): Promise<void> {
  const amountOn = (shares: readonly GrantShare[], id: string) => shares.filter((s) => s.grantId === id).reduce((s, x) => s + x.amount, 0);
  const funders = new Map<string, number>();
  for (const id of [...new Set([...before, ...after].map((s) => s.grantId))]) {
    const delta = amountOn(after, id) - amountOn(before, id);
    if (!delta) continue;
    const g = await readGrant(db, id);
    if (!g) throw new NotFoundError(`Aucune subvention ${id}.`);
    const left = g.amount - g.spent;
    if (delta > left)
      throw new ConflictError(
        `La subvention « ${g.title} » accorde ${euros(g.amount)} et ${euros(g.spent)} y sont déjà imputés : il reste ${euros(left)}, pas ${euros(delta)} de plus.`,
        { grantId: id, awarded: g.amount, spent: g.spent, left, asked: delta },
      );
    work.add({ ...grantTotalsItem(id, { year, spent: delta }, { version: g.version }), name: `grant:${id}` });
    funders.set(g.funderId, (funders.get(g.funderId) ?? 0) + delta);
  }
  for (const [funderId, delta] of funders) if (delta) work.add({ ...funderTotalsItem(funderId, { year, spent: delta }), name: `funder:${funderId}` });
}

/** The share items that take the expense from the shares `before` to `after`. */
function shareItems(e: Expense, before: readonly GrantShare[], after: readonly GrantShare[]) {
  const ids = new Set([...before, ...after].map((s) => s.grantId));
  return [...ids].map((id) => grantShareItem(e, id, after.find((s) => s.grantId === id)?.amount ?? 0));
}

/** The shares scaled from what the expense cost (`from`) to what it costs now (`to`), to the cent, never above `to`. */
export function scaleShares(shares: readonly GrantShare[], from: number, to: number): GrantShare[] {
  if (from <= 0) return shares.map((s) => ({ ...s, amount: 0 }));
  const out = shares.map((s) => ({ grantId: s.grantId, amount: Math.floor((s.amount * to) / from) }));
  const target = Math.min(to, Math.round((shares.reduce((s, x) => s + x.amount, 0) * to) / from));
  // Largest remainders first, so the shares add up to the proportion of their total.
  const order = shares.map((s, i) => ({ i, rest: (s.amount * to) % from })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  let missing = target - out.reduce((s, x) => s + x.amount, 0);
  for (const { i } of order) {
    if (missing <= 0) break;
    out[i]!.amount += 1;
    missing--;
  }
  return out.filter((s) => s.amount > 0);
}

const supplierAux = (e: Expense) => ({ number: e.supplierAux, label: e.supplier });

/** Writes a correction's entry with the expense's work; a retry of the same Idempotency-Key answers the expense. */
async function answer(db: Db, id: string, entryIds: string[]) {
  const entries: EntryView[] = [];
  for (const entryId of entryIds) entries.push(await validated(db, entryId));
  return { ...expenseView(await mustRead(db, id)), entries };
}

async function replayOf(db: Db, id: string, idem?: Idempotency) {
  const entryId = await idempotentEntry(db, idem);
  return entryId ? answer(db, id, [entryId]) : undefined;
}

/** `POST /v1/expenses/{id}/cancellation`: what the expense still costs, reversed (401 / 6xx); its grants' shares to 0. */
export async function cancelExpense(db: Db, id: string, input: CancellationInput, idem?: Idempotency, actor?: Actor) {
  const replay = await replayOf(db, id, idem);
  if (replay) return replay;
  const entryId = `${id}-an`;
  await decideAgain(
    async () => {
      const e = await mustRead(db, id);
      if (e.cancelled) throw new ConflictError(`La dépense ${e.pieceRef} est déjà annulée (le ${e.cancelled.date}).`, { id });
      if (e.paid)
        throw new ConflictError(
          `La dépense ${e.pieceRef} est déjà réglée (${euros(paidOf(e))}) : enregistrez l'avoir du fournisseur, ou corrigez son compte, plutôt que de l'annuler.`,
          { id },
        );
      const net = netOf(e);
      if (net <= 0) throw new ConflictError(`La dépense ${e.pieceRef} est entièrement couverte par ses avoirs : il n'y a plus rien à annuler.`, { id });
      const at = await openDate(db, input.date);
      if (at.date < e.date) throw new ValidationError([{ path: "date", message: `l'annulation ne peut pas précéder la facture (${e.date})` }]);
      const label = `Annulation ${e.supplier} ${e.pieceRef} : ${input.reason}`.slice(0, 200);
      const lines: Line[] = [
        { account: SUPPLIERS, debit: net, credit: 0, label, aux: supplierAux(e) },
        ...chargeLines(e.account, e.projects, net, "credit", label),
      ];
      const before = sharesOf(e);
      const event: ExpenseEvent = {
        kind: "cancellation",
        at: nowIso(),
        by: by(actor),
        reason: input.reason,
        date: at.date,
        entryIds: [entryId],
        amount: net,
        ...(at.askedDate ? { askedDate: at.askedDate } : {}),
      };
      const work = new UnitOfWork().add(
        expenseCorrectionItem(e, { cancelled: { date: at.date, reason: input.reason, entryId }, grants: [] }, event, { dropGrantIndex: true }),
        ...shareItems(e, before, []),
      );
      await moveGrants(db, work, before, [], fiscalYearOf(at.date));
      // The exact mirror of the purchase (nothing credited, not reclassified) is its ledger reversal.
      const mirror = net === e.amount && !(e.history ?? []).some((h) => h.kind === "reclassification" || (h.kind === "allocation" && h.projects));
      await writeDraft(
        db,
        { journal: "HA", date: at.date, label, pieceRef: e.pieceRef, pieceDate: e.date, lines, ...(mirror ? { reversalOf: e.purchaseEntryId } : {}) },
        { id: entryId, idempotency: idem, actor, work, owner: "grants" },
      );
    },
    { stale: "any", attempts: 6 },
  );
  return answer(db, id, [entryId]);
}

/** `POST /v1/expenses/{id}/credit-notes`: the supplier's avoir (401 / 6xx), never above what the expense still costs. */
export async function creditExpense(db: Db, id: string, input: CreditNoteInput, idem?: Idempotency, actor?: Actor) {
  const replay = await replayOf(db, id, idem);
  if (replay) return replay;
  let entryId = "";
  await decideAgain(
    async () => {
      const e = await mustRead(db, id);
      if (e.cancelled) throw new ConflictError(`La dépense ${e.pieceRef} est annulée : un avoir n'y a plus sa place.`, { id });
      const net = netOf(e);
      if (input.amount > net)
        throw new ConflictError(
          `L'avoir (${euros(input.amount)}) dépasse ce que coûte encore la dépense ${e.pieceRef} : ${euros(net)} (facture ${euros(e.amount)}, avoirs déjà reçus ${euros(e.amount - net)}).`,
          { id, amount: input.amount, remaining: net, invoiced: e.amount, credited: e.amount - net },
        );
      const at = await openDate(db, input.date);
      if (at.date < e.date) throw new ValidationError([{ path: "date", message: `l'avoir ne peut pas précéder la facture (${e.date})` }]);
      const notes = e.creditNotes ?? [];
      entryId = `${id}-av${notes.length + 1}`;
      const label = `Avoir ${input.pieceRef} ${e.supplier} (facture ${e.pieceRef}) : ${input.reason}`.slice(0, 200);
      const before = sharesOf(e);
      const after = scaleShares(before, net, net - input.amount);
      const event: ExpenseEvent = {
        kind: "credit-note",
        at: nowIso(),
        by: by(actor),
        reason: input.reason,
        date: at.date,
        entryIds: [entryId],
        amount: input.amount,
        grants: after,
        ...(at.askedDate ? { askedDate: at.askedDate } : {}),
      };
      const note = { date: at.date, amount: input.amount, pieceRef: input.pieceRef, reason: input.reason, entryId };
      const work = new UnitOfWork().add(
        expenseCorrectionItem(e, { creditNotes: [...notes, note], grants: after, grantId: after[0]?.grantId ?? null }, event, { dropGrantIndex: true }),
        ...shareItems(e, before, after),
      );
      await moveGrants(db, work, before, after, fiscalYearOf(at.date));
      await writeDraft(
        db,
        {
          journal: "HA",
          date: at.date,
          label,
          pieceRef: input.pieceRef,
          pieceDate: input.date,
          lines: [
            { account: SUPPLIERS, debit: input.amount, credit: 0, label, aux: supplierAux(e) },
            ...chargeLines(e.account, e.projects, input.amount, "credit", label),
          ],
        },
        { id: entryId, idempotency: idem, actor, work, owner: "grants" },
      );
    },
    { stale: "any", attempts: 6 },
  );
  return answer(db, id, [entryId]);
}

/**
 * `POST /v1/expenses/{id}/payments`: an expense booked unpaid, paid later — what is due, 401 / 512
 * (BQ; the bank line's account when one is named, lettered with it) or 401 / 530 in cash (OD).
 */
export async function payExpense(db: Db, id: string, input: ExpensePaymentInput, idem?: Idempotency, actor?: Actor) {
  const replay = await replayOf(db, id, idem);
  if (replay) return replay;
  const entryId = `${id}-rg`;
  await decideAgain(
    async () => {
      const e = await mustRead(db, id);
      if (e.cancelled) throw new ConflictError(`La dépense ${e.pieceRef} est annulée : il n'y a rien à régler.`, { id });
      if (e.paid) throw new ConflictError(`La dépense ${e.pieceRef} est déjà réglée (le ${e.paid.date}).`, { id });
      const due = netOf(e);
      if (due <= 0) throw new ConflictError(`La dépense ${e.pieceRef} est entièrement couverte par ses avoirs : il n'y a rien à régler.`, { id });
      if (input.bankLineId && input.method === "cash")
        throw new ValidationError([{ path: "method", message: "un paiement en espèces ne figure pas sur un relevé bancaire" }]);
      const at = await openDate(db, input.date);
      if (at.date < e.date) throw new ValidationError([{ path: "date", message: `le règlement ne peut pas précéder la facture (${e.date})` }]);
      let account = input.method === "cash" ? CASH : BANK;
      const work = new UnitOfWork();
      if (input.bankLineId) {
        const line = await readLine(db, input.bankLineId);
        if (!line) throw new NotFoundError(`Aucune ligne de relevé ${input.bankLineId}.`);
        if (line.amount !== -due)
          throw new ValidationError([
            { path: "bankLineId", message: `la ligne de relevé est de ${euros(line.amount)}, la dépense à régler de ${euros(-due)} : ils doivent être égaux` },
          ]);
        account = line.account;
        const { items } = await lineMatchItems(db, { lineId: line.id, entryId, entryDate: at.date, amount: -due, by: actor?.sub ?? "system" });
        work.add(...items);
      }
      const label = `Règlement ${e.supplier} : ${e.label}`.slice(0, 200);
      const event: ExpenseEvent = {
        kind: "payment",
        at: nowIso(),
        by: by(actor),
        reason: "Règlement",
        date: at.date,
        entryIds: [entryId],
        amount: due,
        ...(input.bankLineId ? { bankLineId: input.bankLineId } : {}),
        ...(at.askedDate ? { askedDate: at.askedDate } : {}),
      };
      work.add(expenseCorrectionItem(e, { paid: { date: at.date, method: input.method, amount: due }, paymentEntryId: entryId }, event));
      await writeDraft(
        db,
        {
          journal: input.method === "cash" ? "OD" : "BQ",
          date: at.date,
          label,
          pieceRef: e.pieceRef,
          pieceDate: e.date,
          lines: [
            { account: SUPPLIERS, debit: due, credit: 0, label, aux: supplierAux(e) },
            { account, debit: 0, credit: due, label },
          ],
        },
        { id: entryId, idempotency: idem, actor, work, owner: "grants" },
      );
    },
    { stale: "any", attempts: 6 },
  );
  return answer(db, id, [entryId]);
}

/**
 * `POST /v1/expenses/{id}/reclassification`: booked on the wrong charge account — one entry (OD)
 * moves what the expense costs from the old account to the right one; nothing else changes.
 */
export async function reclassifyExpense(db: Db, id: string, input: ReclassificationInput, idem?: Idempotency, actor?: Actor) {
  const replay = await replayOf(db, id, idem);
  if (replay) return replay;
  await checkChargeAccount(db, input.account);
  let entryId = "";
  await decideAgain(
    async () => {
      const e = await mustRead(db, id);
      if (e.cancelled) throw new ConflictError(`La dépense ${e.pieceRef} est annulée : son compte ne se corrige plus.`, { id });
      if (e.account === input.account) throw new ValidationError([{ path: "account", message: `la dépense est déjà au compte ${input.account}` }]);
      const net = netOf(e);
      if (net <= 0) throw new ConflictError(`La dépense ${e.pieceRef} est entièrement couverte par ses avoirs : il n'y a plus rien à reclasser.`, { id });
      const at = await openDate(db, input.date);
      if (at.date < e.date) throw new ValidationError([{ path: "date", message: `le reclassement ne peut pas précéder la facture (${e.date})` }]);
      entryId = `${id}-rc${(e.version ?? 0) + 1}`;
      const name = (n: string) => findAccount(n)?.label ?? n;
      const label = `Reclassement ${e.supplier} ${e.pieceRef} : ${name(e.account)} → ${name(input.account)} : ${input.reason}`.slice(0, 200);
      const event: ExpenseEvent = {
        kind: "reclassification",
        at: nowIso(),
        by: by(actor),
        reason: input.reason,
        date: at.date,
        entryIds: [entryId],
        amount: net,
        from: e.account,
        to: input.account,
        ...(at.askedDate ? { askedDate: at.askedDate } : {}),
      };
      const work = new UnitOfWork().add(expenseCorrectionItem(e, { account: input.account }, event));
      await writeDraft(
        db,
        {
          journal: "OD",
          date: at.date,
          label,
          pieceRef: e.pieceRef,
          pieceDate: e.date,
          lines: [...chargeLines(input.account, e.projects, net, "debit", label), ...chargeLines(e.account, e.projects, net, "credit", label)],
        },
        { id: entryId, idempotency: idem, actor, work, owner: "grants" },
      );
    },
    { stale: "any", attempts: 6 },
  );
  return answer(db, id, [entryId]);
}

/**
 * `POST /v1/expenses/{id}/allocation`: the grants the expense is spent on, by amount (co-financing),
 * adding up to no more than what it costs; the grants' and funders' `spent` move by the difference,
 * in the expense's year (the first open year when it is closed). Its projects (the analytic axis),
 * by share adding up to 100 %: an entry (OD) moves the charge from its former projects to the new
 * ones on the same account, dated today (or the invoice's date, if later). Without `projects`, the
 * projects stay as they are; `projects: []` takes the charge off every project.
 */
export async function allocateExpense(db: Db, id: string, input: AllocationInput, actor?: Actor) {
  const ids = input.grants.map((g) => g.grantId);
  const twice = ids.find((g, i) => ids.indexOf(g) !== i);
  if (twice) throw new ValidationError([{ path: "grants", message: `la subvention ${twice} est nommée deux fois` }]);
  if (input.grants.length > MAX_GRANTS) throw new ValidationError([{ path: "grants", message: `${MAX_GRANTS} subventions au plus par dépense` }]);
  if (input.projects?.length) {
    const total = sharesTotal(input.projects);
    if (total !== 10_000) throw new ValidationError([{ path: "projects", message: `les parts font ${percent(total)}, pas 100 %` }]);
    await checkExpenseProjects(db, input.projects, "projects");
  }
  let entryId: string | undefined;
  await decideAgain(
    async () => {
      entryId = undefined;
      const e = await mustRead(db, id);
      if (e.cancelled) throw new ConflictError(`La dépense ${e.pieceRef} est annulée : elle ne s'impute plus sur une subvention.`, { id });
      const net = netOf(e);
      const total = input.grants.reduce((s, g) => s + g.amount, 0);
      if (total > net)
        throw new ConflictError(
          `Les parts (${input.grants.map((g) => euros(g.amount)).join(" + ")} = ${euros(total)}) dépassent ce que coûte la dépense ${e.pieceRef} : ${euros(net)}.`,
          { id, total, net },
        );
      const before = sharesOf(e);
      const after = input.grants.filter((g) => g.amount > 0).map((g) => ({ grantId: g.grantId, amount: g.amount }));
      for (const g of after) if (!(await readGrant(db, g.grantId))) throw new NotFoundError(`Aucune subvention ${g.grantId}.`);
      const at = await openDate(db, e.date);
      const projects = input.projects?.map((p) => ({ projectId: p.projectId, share: p.share }));
      const projectsMove = projects !== undefined && JSON.stringify(projects) !== JSON.stringify(e.projects ?? []) && net > 0;
      const event: ExpenseEvent = {
        kind: "allocation",
        at: nowIso(),
        by: by(actor),
        reason: input.reason ?? "Répartition entre subventions",
        date: null,
        entryIds: [],
        amount: total,
        grants: after,
        ...(projects ? { projects } : {}),
        ...(at.askedDate ? { askedDate: at.askedDate } : {}),
      };
      let date = at.date;
      if (projectsMove) {
        const today = parisDate(now());
        date = (await openDate(db, today > e.date ? today : e.date)).date;
        entryId = `${id}-pj${(e.version ?? 0) + 1}`;
        event.date = date;
        event.entryIds = [entryId];
      }
      const work = new UnitOfWork().add(
        expenseCorrectionItem(e, { grants: after, grantId: after[0]?.grantId ?? null, ...(projects ? { projects } : {}) }, event, { dropGrantIndex: true }),
        ...shareItems(e, before, after),
      );
      await moveGrants(db, work, before, after, fiscalYearOf(at.date));
      if (!projectsMove || !entryId) return work.commit(db);
      const label = `Répartition par projet ${e.supplier} ${e.pieceRef} : ${event.reason}`.slice(0, 200);
      await writeDraft(
        db,
        {
          journal: "OD",
          date,
          label,
          pieceRef: e.pieceRef,
          pieceDate: e.date,
          lines: [...chargeLines(e.account, projects, net, "debit", label), ...chargeLines(e.account, e.projects, net, "credit", label)],
        },
        { id: entryId, actor, work, owner: "grants" },
      );
    },
    { stale: "any", attempts: 6 },
  );
  if (entryId) await validated(db, entryId);
  return expenseView(await mustRead(db, id));
}
