/**
 * A month of the trésorier's work through HTTP: November 2024 with Stripe payouts (one naming its
 * payout id, one not), a grant installment, supplier payments (one grouped transfer for two
 * invoices, a rent paid in two transfers), membership fees received in one batch, bank fees and
 * interest. The statement is imported, reconciled, the rest created from rules, and the
 * difference is 0; re-importing changes nothing; Stripe's balance equals 4671.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkout, dev, donation, pay } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";
import { startTestStack, type TestStack } from "./support/stack.js";
import { closeAcknowledged } from "./support/closing.js";

let stack: TestStack;
const po: string[] = [];
const ids: Record<string, string> = {};

interface Line {
  id: string;
  date: string;
  amount: number;
  label: string;
  status: string;
  matchId?: string;
}
interface Proposal {
  lineIds: string[];
  entryIds: string[];
  score: number;
  kind: string;
  reason: string;
  stripe?: { payoutId: string; gross: number; fees: number; net: number; other: number; consistent: boolean };
}

const json = async <T>(res: Response, status: number): Promise<T> => {
  const body = await res.json();
  if (res.status !== status) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body as T;
};

async function post(label: string, date: string, journal: string, pieceRef: string, lines: unknown[]) {
  const e = await json<{ id: string }>(await stack.call("POST", "/v1/ledger/entries", { body: { journal, date, label, pieceRef, lines } }), 201);
  ids[label] = e.id;
  return e.id;
}

const monthFile = () => readFileSync(join(__dirname, "fixtures/bank/november-2024.camt053.001.08.xml"), "utf8").replaceAll("{{PO1}}", po[0]!);
const importMonth = async () =>
  json<{ imported: number; duplicates: number }>(
    await stack.call("POST", "/v1/bank/statements", { body: monthFile(), headers: { "content-type": "application/xml" } }),
    200,
  );
const linesOf = async (q = "") =>
  (await json<{ items: Line[] }>(await stack.call("GET", `/v1/bank/lines?account=512&limit=500${q}`, { role: "auditor" }), 200)).items;
const state = async (date = "2024-11-30") =>
  json<{
    bankBalance: number;
    ledgerBalance: number;
    difference: number;
    unmatchedBank: { count: number; total: number };
    unmatchedBooks: { count: number; total: number };
    warnings: string[];
  }>(await stack.call("GET", `/v1/bank/reconciliation?account=512&date=${date}`, { role: "auditor" }), 200);
const unix = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

beforeAll(async () => {
  stack = await startTestStack();
  // The books before the first statement: the bank's opening balance.
  await post("Solde bancaire au 31/10/2024", "2024-10-31", "OD", "OUVERTURE", [
    { account: "512", debit: 1200000 },
    { account: "102", credit: 1200000 },
  ]);
  // Stripe: three gifts, paid out on the 3rd; one gift, a billing fee, paid out on the 25th.
  for (const [amount, at] of [
    [5000, "2024-11-01T10:00:00Z"],
    [10000, "2024-11-02T10:00:00Z"],
    [3000, "2024-11-02T15:00:00Z"],
  ] as const)
    await pay(stack, (await checkout(stack, donation(amount))).sessionId, at);
  po.push((await dev(stack, "/__dev/payouts", { at: "2024-11-03T17:00:00Z" })).id as string);
  await pay(stack, (await checkout(stack, donation(20000))).sessionId, "2024-11-15T10:00:00Z");
  const created = unix("2024-11-20T09:00:00Z");
  stack.stripe.objects.set("txn_billing_2024_11", {
    id: "txn_billing_2024_11",
    object: "balance_transaction",
    amount: -500,
    fee: 0,
    net: -500,
    currency: "eur",
    type: "stripe_fee",
    source: null,
    status: "available",
    created,
    available_on: created,
    description: "Billing - Usage Fee (2024-11)",
    fee_details: [],
    reporting_category: "fee",
    payout: null,
  });
  po.push((await dev(stack, "/__dev/payouts", { at: "2024-11-25T17:00:00Z" })).id as string);

  // The month's other entries, as the trésorier (or the expenses and grants modules) booked them.
  const dupont = { number: "F-DUPONT", label: "Imprimerie Dupont" };
  const orange = { number: "F-ORANGE", label: "Orange SA" };
  await post("Facture Orange novembre", "2024-11-02", "HA", "ORANGE-2024-11", [
    { account: "626", debit: 3999 },
    { account: "401", credit: 3999, aux: orange },
  ]);
  await post("Électricité octobre EDF", "2024-11-04", "BQ", "2024-1187", [
    { account: "6061", debit: 8990 },
    { account: "512", credit: 8990 },
  ]);
  await post("Loyer novembre SCI Les Tilleuls", "2024-11-08", "BQ", "LOYER-2024-11", [
    { account: "6132", debit: 120000 },
    { account: "512", credit: 120000 },
  ]);
  await post("Fondation de France convention 2024-017 versement 2", "2024-11-12", "BQ", "CONV-2024-017", [
    { account: "512", debit: 1500000 },
    { account: "4687", credit: 1500000 },
  ]);
  for (const [inv, amount] of [
    ["FAC-1187", 42000],
    ["FAC-1192", 18000],
  ] as const) {
    await post(`Facture Imprimerie Dupont ${inv}`, "2024-11-10", "HA", inv, [
      { account: "6064", debit: amount },
      { account: "401", credit: amount, aux: dupont },
    ]);
    await post(`Règlement Imprimerie Dupont ${inv}`, "2024-11-18", "BQ", inv, [
      { account: "401", debit: amount, aux: dupont },
      { account: "512", credit: amount },
    ]);
  }
  await post("Cotisation Jean Dupuis", "2024-11-19", "BQ", "ADH-2024-031", [
    { account: "512", debit: 2000 },
    { account: "756", credit: 2000 },
  ]);
  await post("Cotisation Hélène Martin", "2024-11-20", "BQ", "ADH-2024-032", [
    { account: "512", debit: 2000 },
    { account: "756", credit: 2000 },
  ]);
}, 120_000);
afterAll(() => stack.close());

describe("a month reconciled", () => {
  it("imports the statement: 14 lines on 512, nothing matched yet, the difference is the unexplained lines", async () => {
    expect(await importMonth()).toMatchObject({ imported: 15, duplicates: 0 });
    const ls = await linesOf();
    expect(ls).toHaveLength(14);
    expect(ls.every((l) => l.status === "unmatched")).toBe(true);
    const s = await state();
    expect(s.bankBalance).toBe(2546836);
    expect(s.difference).toBe(0); // every line and every entry is still outstanding, so both sides explain it
    expect(s.unmatchedBank.count).toBe(14);
  });

  it("proposes, without writing: payout by id (explained by Stripe), exact amounts, a grouped payment, a rent in two transfers, the batch per member", async () => {
    const res = await stack.call("POST", "/v1/bank/reconcile", { body: { account: "512" } });
    const r = await json<{ proposals: Proposal[]; applied: unknown[] }>(res, 200);
    expect(r.applied).toEqual([]);
    const ls = await linesOf();
    expect(ls.every((l) => l.status === "unmatched")).toBe(true);
    const byLine = (pred: (l: Line) => boolean) => {
      const line = ls.find(pred)!;
      return r.proposals.find((p) => p.lineIds.includes(line.id));
    };
    const payout1 = byLine((l) => l.amount === 17655)!;
    expect(payout1).toMatchObject({ kind: "payout-id", score: 1, entryIds: [expect.any(String)] });
    expect(payout1.stripe).toMatchObject({ payoutId: po[0], gross: 18000, fees: 345, net: 17655, consistent: true });
    const payout2 = byLine((l) => l.amount === 19175)!;
    expect(payout2.kind).toBe("exact");
    expect(payout2.stripe).toMatchObject({ payoutId: po[1], gross: 20000, fees: 325, other: -500, net: 19175 });
    expect(byLine((l) => l.amount === -8990)).toMatchObject({ kind: "exact", entryIds: [ids["Électricité octobre EDF"]] });
    expect(byLine((l) => l.amount === 1500000)).toMatchObject({ kind: "exact", entryIds: [ids["Fondation de France convention 2024-017 versement 2"]] });
    const grouped = byLine((l) => l.amount === -60000)!;
    expect(grouped.kind).toBe("grouped-entries");
    expect([...grouped.entryIds].sort()).toEqual([ids["Règlement Imprimerie Dupont FAC-1187"], ids["Règlement Imprimerie Dupont FAC-1192"]].sort());
    const rent = byLine((l) => l.amount === -70000)!;
    expect(rent).toMatchObject({ kind: "grouped-lines", entryIds: [ids["Loyer novembre SCI Les Tilleuls"]] });
    expect(rent.lineIds).toHaveLength(2);
    const jean = ls.find((l) => l.label.includes("JEAN DUPUIS"))!;
    const helene = ls.find((l) => l.label.includes("HÉLÈNE MARTIN"))!;
    expect(r.proposals.find((p) => p.lineIds.includes(jean.id))!.entryIds).toEqual([ids["Cotisation Jean Dupuis"]]);
    expect(r.proposals.find((p) => p.lineIds.includes(helene.id))!.entryIds).toEqual([ids["Cotisation Hélène Martin"]]);
    // Fees, interest and the Orange debit have no entry to match: no proposal.
    for (const amount of [-1250, -50, 345, -3999]) expect(byLine((l) => l.amount === amount)).toBeUndefined();
  });

  it("applies the sure proposals when asked, then the trésorier accepts the grouped ones", async () => {
    const r = await json<{ proposals: Proposal[]; applied: { lineIds: string[] }[] }>(
      await stack.call("POST", "/v1/bank/reconcile", { body: { apply: true, minScore: 0.9 } }),
      200,
    );
    expect(r.applied.length).toBeGreaterThanOrEqual(5);
    const rest = (await json<{ proposals: Proposal[] }>(await stack.call("POST", "/v1/bank/reconcile", { body: {} }), 200)).proposals;
    expect(rest.map((p) => p.kind).sort()).toEqual(["grouped-entries", "grouped-lines"]);
    for (const p of rest) {
      const [first, ...others] = p.lineIds;
      const m = await json<{ lineIds: string[]; entryIds: string[] }>(
        await stack.call("POST", `/v1/bank/lines/${first}/match`, { body: { entryIds: p.entryIds, ...(others.length ? { lineIds: others } : {}) } }),
        201,
      );
      expect(m.entryIds).toEqual(p.entryIds);
    }
  });

  it("creates the other lines' entries from rules, matched in the same transaction (journal BQ)", async () => {
    const open = (await linesOf("&status=unmatched")).sort((a, b) => a.amount - b.amount);
    expect(open.map((l) => l.amount)).toEqual([-3999, -1250, -50, -50, 345]);
    const orange = open[0]!;
    const made = await json<{ entry: { journal: string; lines: { account: string; debit: number; credit: number; aux?: { number: string } }[] } }>(
      await stack.call("POST", `/v1/bank/lines/${orange.id}/entry`, { body: { rule: "supplier" } }),
      201,
    );
    expect(made.entry.journal).toBe("BQ");
    expect(made.entry.lines).toEqual([
      { account: "401", debit: 3999, credit: 0, aux: { number: "F-ORANGE", label: "Orange SA" } },
      { account: "512", debit: 0, credit: 3999 },
    ]);
    const accounts: string[] = [];
    for (const l of open.slice(1)) {
      const r = await json<{ entry: { id: string; lines: { account: string }[] } }>(await stack.call("POST", `/v1/bank/lines/${l.id}/entry`), 201);
      accounts.push(r.entry.lines.find((x) => x.account !== "512")!.account);
      // Asking again answers the same entry and writes nothing.
      const again = await json<{ entry: { id: string } }>(await stack.call("POST", `/v1/bank/lines/${l.id}/entry`), 201);
      expect(again.entry.id).toBe(r.entry.id);
    }
    expect(accounts).toEqual(["627", "627", "627", "768"]);
  });

  it("the état de rapprochement at the month's end: nothing outstanding, difference 0, balances equal", async () => {
    const s = await state();
    expect(s).toMatchObject({
      bankBalance: 2546836,
      ledgerBalance: 2546836,
      difference: 0,
      unmatchedBank: { count: 0, total: 0 },
      unmatchedBooks: { count: 0, total: 0 },
      warnings: [],
    });
    expect((await linesOf("&status=unmatched")).length).toBe(0);
    const integrity = await json<{ ok: boolean }>(await stack.call("GET", "/v1/ledger/integrity", { role: "auditor" }), 200);
    expect(integrity.ok).toBe(true);
  });

  it("mid-month, what is on one side only is listed and the difference is still 0", async () => {
    const s = await state("2024-11-08");
    // The rent's second transfer (9th) is not on the bank yet at the 8th: the entry is outstanding, and so is the first transfer.
    expect(s.difference).toBe(0);
    expect(s.unmatchedBooks.total).toBe(-120000);
    expect(s.unmatchedBank.total).toBe(-70000);
  });

  it("re-importing the month changes nothing", async () => {
    const before = await linesOf();
    expect(await importMonth()).toMatchObject({ imported: 0, duplicates: 15 });
    expect(await linesOf()).toEqual(before);
    expect((await state()).difference).toBe(0);
  });

  it("unmatching (year open) puts both sides back as outstanding; matching again settles it", async () => {
    const edf = (await linesOf()).find((l) => l.amount === -8990)!;
    const un = await stack.call("DELETE", `/v1/bank/lines/${edf.id}/match`);
    expect(un.status).toBe(200);
    const s = await state();
    expect(s).toMatchObject({ difference: 0, unmatchedBank: { count: 1, total: -8990 }, unmatchedBooks: { count: 1, total: -8990 } });
    const wrong = await stack.call("POST", `/v1/bank/lines/${edf.id}/match`, { body: { entryId: ids["Cotisation Jean Dupuis"] } });
    expect(wrong.status).toBe(409); // that entry is already matched
    const back = await stack.call("POST", `/v1/bank/lines/${edf.id}/match`, { body: { entryId: ids["Électricité octobre EDF"] } });
    expect(back.status).toBe(201);
    const twice = await stack.call("POST", `/v1/bank/lines/${edf.id}/match`, { body: { entryId: ids["Électricité octobre EDF"] } });
    expect(twice.status).toBe(409);
    expect((await state()).unmatchedBank.count).toBe(0);
  });

  it("a rule entry whose lettrage was undone is lettered again by the same call, no second entry (bug: the answer claimed a match it had not recorded)", async () => {
    const interest = (await linesOf()).find((l) => l.amount === 345)!;
    const first = (await json<{ match: { entryIds: string[] } }>(await stack.call("GET", `/v1/bank/lines/${interest.id}`, { role: "auditor" }), 200)).match
      .entryIds;
    expect((await stack.call("DELETE", `/v1/bank/lines/${interest.id}/match`)).status).toBe(200);
    const again = await json<{ entry: { id: string }; match: { lineIds: string[] } }>(await stack.call("POST", `/v1/bank/lines/${interest.id}/entry`), 201);
    expect(again.entry.id).toBe(first[0]);
    const shown = await json<{ status: string; match: { entryIds: string[] } }>(
      await stack.call("GET", `/v1/bank/lines/${interest.id}`, { role: "auditor" }),
      200,
    );
    expect(shown).toMatchObject({ status: "matched", match: { entryIds: first } });
    expect((await state()).difference).toBe(0);
  });

  it("a match with an entry already lettered (409) or whose amounts differ (400) is refused and writes nothing", async () => {
    const fee = (await linesOf()).find((l) => l.amount === -1250)!;
    const res = await stack.call("DELETE", `/v1/bank/lines/${fee.id}/match`);
    expect(res.status).toBe(200);
    const taken = await stack.call("POST", `/v1/bank/lines/${fee.id}/match`, { body: { entryIds: [ids["Électricité octobre EDF"]] } });
    expect(taken.status).toBe(409); // the EDF entry is lettered with its own line
    const edf = (await linesOf()).find((l) => l.amount === -8990)!;
    expect((await stack.call("DELETE", `/v1/bank/lines/${edf.id}/match`)).status).toBe(200);
    const bad = await stack.call("POST", `/v1/bank/lines/${fee.id}/match`, { body: { entryIds: [ids["Électricité octobre EDF"]] } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain("-1250 cents");
    expect((await linesOf()).find((l) => l.id === fee.id)!.status).toBe("unmatched");
    expect((await stack.call("POST", `/v1/bank/lines/${edf.id}/match`, { body: { entryId: ids["Électricité octobre EDF"] } })).status).toBe(201);
    // The rule entry is still there: matching the line to it again settles the account.
    const ruleEntry = (await json<{ match: { entryIds: string[] } | null }>(await stack.call("GET", `/v1/bank/lines/${fee.id}`, { role: "auditor" }), 200))
      .match;
    expect(ruleEntry).toBeNull();
    const r = await json<{ proposals: Proposal[] }>(await stack.call("POST", "/v1/bank/reconcile", { body: {} }), 200);
    const p = r.proposals.find((x) => x.lineIds.includes(fee.id))!;
    expect(p.kind).toBe("exact");
    expect((await stack.call("POST", `/v1/bank/lines/${fee.id}/match`, { body: { entryIds: p.entryIds } })).status).toBe(201);
    expect((await state()).difference).toBe(0);
  });

  it("the état as a PDF", async () => {
    const res = await stack.call("GET", "/v1/bank/reconciliation.pdf?account=512&date=2024-11-30", { role: "delegation" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = (await pdfText(bytes)).replace(/[\u202f\u00a0]/g, " ");
    if (process.env.SHOW_PDF) console.log(text);
    expect(text).toContain("État de rapprochement bancaire");
    expect(text).toContain("25 468,36 €");
    expect(text).toMatch(/Écart\s+0,00 €/);
    const dir = mkdtempSync(join(tmpdir(), "rappro-"));
    writeFileSync(join(dir, "etat.pdf"), bytes);
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", join(dir, "etat.pdf"), join(dir, "page")]);
    if (process.env.KEEP_PDF) writeFileSync(process.env.KEEP_PDF, bytes);
  });
});

describe("Stripe: 4671 equals Stripe's balance", () => {
  it("shows the billing fee Stripe deducted and no webhook booked, books it once, and the difference becomes 0", async () => {
    const before = await json<{ ledger: number; stripe: number; difference: number; toBook: { id: string }[] }>(
      await stack.call("GET", "/v1/bank/stripe-balance?date=2024-11-30", { role: "auditor" }),
      200,
    );
    expect(before).toMatchObject({ stripe: 0, ledger: 500, difference: -500, toBook: [{ id: "txn_billing_2024_11" }] });
    const mid = await json<{ stripe: number; difference: number }>(
      await stack.call("GET", "/v1/bank/stripe-balance?date=2024-11-21", { role: "auditor" }),
      200,
    );
    expect(mid).toMatchObject({ stripe: 19175, difference: -500 });
    const booked = await json<{ booked: { balanceTransaction: string }[]; balance: { difference: number } }>(
      await stack.call("POST", "/v1/bank/stripe-balance/book", { body: { date: "2024-11-30" } }),
      201,
    );
    expect(booked.booked.map((b) => b.balanceTransaction)).toEqual(["txn_billing_2024_11"]);
    expect(booked.balance.difference).toBe(0);
    const again = await json<{ booked: unknown[] }>(await stack.call("POST", "/v1/bank/stripe-balance/book", { body: { date: "2024-11-30" } }), 201);
    expect(again.booked).toEqual([]);
    for (const date of ["2024-11-03", "2024-11-21", "2024-11-30"]) {
      const s = await json<{ difference: number }>(await stack.call("GET", `/v1/bank/stripe-balance?date=${date}`, { role: "auditor" }), 200);
      expect({ date, difference: s.difference }).toEqual({ date, difference: 0 });
    }
    const st = await json<{ items: { pieceRef: string; lines: { account: string; debit: number }[] }[] }>(
      await stack.call("GET", "/v1/ledger/entries?journal=ST&from=2024-11-01&to=2024-11-30&limit=500", { role: "auditor" }),
      200,
    );
    expect(st.items.filter((e) => e.pieceRef === "txn_billing_2024_11")).toHaveLength(1);
  });
});

describe("a closed year keeps its lettrage", () => {
  it("unmatching a line of a closed year is refused (409); the état still reads", async () => {
    const close = await closeAcknowledged(stack, 2024);
    expect(close.status).toBe(201);
    const line = (await linesOf()).find((l) => l.amount === 1500000)!;
    const res = await stack.call("DELETE", `/v1/bank/lines/${line.id}/match`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("2024");
    expect((await linesOf()).find((l) => l.id === line.id)!.status).toBe("matched");
    // The opening entries (AN) of 2025 restate 2024: the balance is not counted twice. The date is
    // after the last statement (30/11/2024): the bank balance is that statement's, the difference unknown.
    expect(await state("2025-01-15")).toMatchObject({ bankBalance: 2546836, ledgerBalance: 2546836, difference: null, afterLastStatement: true });
    expect(await state("2024-11-30")).toMatchObject({ difference: 0, afterLastStatement: false });
  });
});
