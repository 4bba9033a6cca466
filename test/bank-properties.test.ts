/**
 * Fuzzed statements (fast-check): random valid CAMT.053 and CSV files, imported, then an
 * overlapping export repeating days, then both again. Whatever the lines (repeated days, identical
 * lines, credits and debits), a line is never imported twice, every line is imported once, and
 * importing never books anything.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

const IBAN = "FR7642559100000801234567812";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

interface L {
  amount: number;
  label: string;
}
/** A day's lines: few labels and amounts, so that identical lines on one day are frequent. */
const dayLines = fc.array(
  fc.record({
    amount: fc.oneof(
      fc.constantFrom(-50, -1250, 2000),
      fc.integer({ min: -500000, max: 500000 }).filter((n) => n !== 0),
    ),
    label: fc.constantFrom("COMMISSION VIREMENT", "PRLV SEPA ÉNERGIE", "VIR SEPA DON", "CARTE X1234 LIBRAIRIE L'ÉCUME", "FRAIS"),
  }),
  { minLength: 0, maxLength: 5 },
);

const money = (c: number) => (Math.abs(c) / 100).toFixed(2);
const iso = (base: number, d: number) => new Date(Date.UTC(2030, base, 1 + d)).toISOString().slice(0, 10);

function camt(days: Array<{ date: string; lines: L[] }>, opening: number): string {
  const all = days.flatMap((d) => d.lines.map((l) => ({ ...l, date: d.date })));
  const closing = opening + all.reduce((s, l) => s + l.amount, 0);
  const bal = (code: string, amount: number, date: string) =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${money(amount)}</Amt><CdtDbtInd>${amount < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  const ntry = (l: L & { date: string }) =>
    `<Ntry><Amt Ccy="EUR">${money(l.amount)}</Amt><CdtDbtInd>${l.amount < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${l.date}</Dt></BookgDt><AcctSvcrRef>REUSED</AcctSvcrRef><AddtlNtryInf>${l.label.replace("&", "&amp;").replace("'", "&apos;")}</AddtlNtryInf></Ntry>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>${bal("OPBD", opening, days[0]!.date)}${bal("CLBD", closing, days[days.length - 1]!.date)}${all.map(ntry).join("")}</Stmt></BkToCstmrStmt></Document>`;
}

function csv(days: Array<{ date: string; lines: L[] }>): string {
  const rows = days.flatMap((d) =>
    d.lines.map((l) => `${d.date.split("-").reverse().join("/")};"${l.label}";${(l.amount / 100).toFixed(2).replace(".", ",")}`),
  );
  return ["Relevé de compte", "", "Date;Libellé;Montant", ...rows].join("\r\n");
}

async function upload(body: string, format: "camt" | "csv") {
  const res = await stack.call("POST", `/v1/bank/statements${format === "csv" ? `?account=${IBAN}` : ""}`, {
    body,
    headers: { "content-type": format === "csv" ? "text/csv" : "application/xml" },
  });
  const json = (await res.json()) as { imported: number; duplicates: number };
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function storedLines(from: string, to: string) {
  const res = await stack.call("GET", `/v1/bank/lines?account=${IBAN}&from=${from}&to=${to}&limit=500`, { role: "auditor" });
  return ((await res.json()) as { items: { id: string }[] }).items;
}

let run = 0;
describe("fuzzed statements", () => {
  it("never import a line twice, import every line once, and never book anything", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(dayLines, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -1000000, max: 5000000 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom("camt" as const, "csv" as const),
        async (perDay, opening, cut1, cut2, format) => {
          const month = run++;
          const days = perDay.map((lines, d) => ({ date: iso(month, d), lines }));
          // The first export covers days [0, k]; the next one repeats days [j, k] and goes on.
          const k = cut1 % days.length;
          const j = cut2 % (k + 1);
          const first = days.slice(0, k + 1);
          const second = days.slice(j);
          const total = days.reduce((s, d) => s + d.lines.length, 0);
          const file = (ds: typeof days) => (format === "camt" ? camt(ds, opening) : csv(ds));
          const r1 = await upload(file(first), format);
          const r2 = await upload(file(second), format);
          const r3 = await upload(file(second), format);
          const r4 = await upload(file(first), format);
          expect(r1.imported + r2.imported).toBe(total);
          expect(r3.imported + r4.imported).toBe(0);
          const stored = await storedLines(days[0]!.date, days[days.length - 1]!.date);
          expect(stored).toHaveLength(total);
          expect(new Set(stored.map((l) => l.id)).size).toBe(total);
        },
      ),
      { numRuns: 20 },
    );
    const integrity = (await (await stack.call("GET", "/v1/ledger/integrity", { role: "auditor" })).json()) as { entries: number };
    expect(integrity.entries).toBe(0);
    const unmatched = (await (await stack.call("GET", "/v1/bank/lines?status=matched", { role: "auditor" })).json()) as { items: unknown[] };
    expect(unmatched.items).toEqual([]);
  }, 120_000);
});
