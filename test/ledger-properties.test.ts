/**
 * Property-based: for any sequence of valid postings and reversals, the trial balance balances,
 * equals the sum of what was posted, and the FEC re-read gives the same balances.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { exportFileName, exportLedger, makeDb, postEntry, reverseEntry, trialBalance, verifyChain, type PostEntryInput } from "@asso/core";
import { ensureTable } from "../infra/dynamodb-local.js";
import { balancesOf, checkFec } from "./support/fec-check.js";

const ACCOUNTS = ["512", "4671", "627", "7541", "756", "6226", "401", "741"];

const lineArb = fc.record({ account: fc.constantFrom(...ACCOUNTS), amount: fc.integer({ min: 1, max: 5_000_000 }), side: fc.boolean() });
const postArb = fc
  .record({
    day: fc.integer({ min: 0, max: 364 }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
    journal: fc.constantFrom("BQ", "ST", "OD", "HA" as const),
  })
  .map(({ day, lines, journal }) => {
    // Balance the entry with one counterpart line on 512/7541.
    const net = lines.reduce((s, l) => s + (l.side ? l.amount : -l.amount), 0);
    const all = lines.map((l) => (l.side ? { account: l.account, debit: l.amount } : { account: l.account, credit: l.amount }));
    if (net > 0) all.push({ account: "7541", credit: net });
    else if (net < 0) all.push({ account: "512", debit: -net });
    else all.push({ account: "512", debit: 1 }, { account: "7541", credit: 1 });
    const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
    return { kind: "post" as const, entry: { journal, date, label: "propriété", pieceRef: "PB", lines: all } as PostEntryInput };
  });
const opArb = fc.oneof({ arbitrary: postArb, weight: 3 }, { arbitrary: fc.nat({ max: 50 }).map((k) => ({ kind: "reverse" as const, k })), weight: 1 });

describe("ledger properties", () => {
  it("trial balance = sum of postings = FEC re-read, for any postings and reversals", async () => {
    const endpoint = inject("dynamoEndpoint");
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        const table = `p-${randomUUID().slice(0, 8)}`;
        await ensureTable(endpoint, table);
        const db = makeDb(table, endpoint);
        const expected = new Map<string, number>();
        const add = (lines: { account: string; debit: number; credit: number }[]) => {
          for (const l of lines) expected.set(l.account, (expected.get(l.account) ?? 0) + l.debit - l.credit);
        };
        const posted: string[] = [];
        const reversed = new Set<string>();
        const dates = new Map<string, string>();
        for (const op of ops) {
          if (op.kind === "post") {
            const e = await postEntry(db, op.entry);
            posted.push(e.id);
            dates.set(e.id, e.date);
            add(e.lines);
          } else if (posted.length) {
            const target = posted[op.k % posted.length]!;
            if (reversed.has(target)) continue;
            reversed.add(target);
            // Reversed on the original's date, so the property holds within one year.
            const r = await reverseEntry(db, target, { date: dates.get(target)! });
            add(r.lines);
          }
        }
        const tb = await trialBalance(db, 2024);
        expect(tb.totals.debit).toBe(tb.totals.credit);
        for (const [account, balance] of expected) expect(tb.accounts.find((a) => a.account === account)?.balance ?? 0).toBe(balance);

        let text = "";
        for await (const chunk of exportLedger(db, 2024, "fec")) text += chunk;
        const { problems, lines } = checkFec(exportFileName("000000000", 2024, "fec"), text, "000000000", 2024);
        expect(problems).toEqual([]);
        const fec = balancesOf(lines);
        for (const a of tb.accounts) expect(fec.get(a.account) ?? 0).toBe(a.balance);
        expect((await verifyChain(db)).ok).toBe(true);
        db.doc.destroy();
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
