/**
 * Issue 11, ledger rules enforced by the core itself (every caller is covered, not only the HTTP
 * schema): the posting function refuses a malformed entry; closing waits for the sequencer and
 * lets no entry into a year once its result is computed; the current or a future year cannot be closed.
 */
import { randomUUID } from "node:crypto";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, inject, it } from "vitest";
import {
  awaitValidation,
  closeYear,
  ConflictError,
  fiscalYearBounds,
  fiscalYearOf,
  getEntry,
  listYears,
  makeDb,
  parisDate,
  postEntry,
  trialBalance,
  ValidationError,
  verifyChain,
  writeDraft,
  type Db,
  type Line,
} from "@asso/core";
import { ensureTable } from "../infra/dynamodb-local.js";

async function freshDb(prefix: string): Promise<Db> {
  const table = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(inject("dynamoEndpoint"), table);
  return makeDb(table, inject("dynamoEndpoint"));
}

const pair = (amount: number, debit = "512", credit = "7541"): Line[] => [
  { account: debit, debit: amount, credit: 0 },
  { account: credit, debit: 0, credit: amount },
];

describe("writeDraft refuses a malformed entry itself", () => {
  const base = { journal: "OD" as const, date: "2024-03-01", label: "Test", pieceRef: "P1" };
  const cases: Array<[string, Line[], string]> = [
    [
      "an unbalanced entry",
      [
        { account: "512", debit: 100, credit: 0 },
        { account: "7541", debit: 0, credit: 90 },
      ],
      "lines",
    ],
    ["fewer than two lines", [{ account: "512", debit: 100, credit: 0 }], "lines"],
    ["no lines", [], "lines"],
    [
      "a line with both debit and credit",
      [
        { account: "512", debit: 100, credit: 100 },
        { account: "7541", debit: 0, credit: 100 },
        { account: "756", debit: 100, credit: 0 },
      ],
      "lines.0",
    ],
    [
      "a line with neither debit nor credit",
      [
        { account: "512", debit: 100, credit: 0 },
        { account: "7541", debit: 0, credit: 100 },
        { account: "756", debit: 0, credit: 0 },
      ],
      "lines.2",
    ],
    [
      "non-integer cents",
      [
        { account: "512", debit: 10.5, credit: 0 },
        { account: "7541", debit: 0, credit: 10.5 },
      ],
      "lines.0.debit",
    ],
    [
      "a negative amount",
      [
        { account: "512", debit: -5, credit: 0 },
        { account: "7541", debit: 0, credit: -5 },
      ],
      "lines.0.debit",
    ],
    [
      "an amount that is not a number",
      [
        { account: "512", debit: Number.NaN, credit: 0 },
        { account: "7541", debit: 0, credit: Number.NaN },
      ],
      "lines.0.debit",
    ],
  ];
  for (const [name, lines, path] of cases)
    it(`bug: writeDraft accepted ${name} (only the HTTP schema refused it)`, async () => {
      const db = await freshDb("r");
      const err = await writeDraft(db, { ...base, lines }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).errors.some((e) => e.path.startsWith(path))).toBe(true);
      // Nothing written: the ledger is empty.
      expect((await trialBalance(db, 2024)).accounts).toEqual([]);
      db.doc.destroy();
    });

  it("refuses an impossible date and more lines than a validation batch can take", async () => {
    const db = await freshDb("r");
    await expect(writeDraft(db, { ...base, date: "2024-02-30", lines: pair(100) })).rejects.toBeInstanceOf(ValidationError);
    const many: Line[] = Array.from({ length: 60 }, (_, i) => ({ account: "512", debit: i % 2 ? 0 : 1, credit: i % 2 ? 1 : 0 }));
    await expect(writeDraft(db, { ...base, lines: many })).rejects.toBeInstanceOf(ValidationError);
    db.doc.destroy();
  });

  it("a well-formed entry still goes through", async () => {
    const db = await freshDb("r");
    const { id } = await writeDraft(db, { ...base, lines: pair(100) });
    expect((await awaitValidation(db, id)).number).toBe(1);
    db.doc.destroy();
  });
});

describe("which years may be closed", () => {
  it("bug: the current fiscal year, or a future one, could be closed (409 now, nothing changed)", async () => {
    const db = await freshDb("y");
    const today = parisDate(new Date());
    const current = fiscalYearOf(today);
    await postEntry(db, {
      journal: "BQ",
      date: today,
      label: "Don du jour",
      pieceRef: "P1",
      lines: [
        { account: "512", debit: 100 },
        { account: "7541", credit: 100 },
      ],
    });
    for (const year of [current, current + 1]) {
      const err = await closeYear(db, year).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as Error).message).toMatch(/end/);
    }
    expect((await listYears(db)).find((y) => y.year === current)?.status).toBe("open");
    // Posting in the current year still works.
    await postEntry(db, {
      journal: "BQ",
      date: today,
      label: "Encore",
      pieceRef: "P2",
      lines: [
        { account: "512", debit: 100 },
        { account: "7541", credit: 100 },
      ],
    });
    db.doc.destroy();
  });
  it("a year may be closed once its last day has passed, not on it", async () => {
    const db = await freshDb("y");
    const last = fiscalYearOf(parisDate(new Date())) - 1;
    const { end } = fiscalYearBounds(last);
    await postEntry(db, {
      journal: "BQ",
      date: end,
      label: "Don",
      pieceRef: "P1",
      lines: [
        { account: "512", debit: 100 },
        { account: "7541", credit: 100 },
      ],
    });
    await expect(closeYear(db, last, { today: end })).rejects.toBeInstanceOf(ConflictError);
    expect((await closeYear(db, last)).result).toBe(100);
    db.doc.destroy();
  });
});

describe("closing guards", () => {
  it("a guard that refuses (another domain's year-end work not done) stops the closing before anything is written", async () => {
    const db = await freshDb("g");
    await postEntry(db, {
      journal: "BQ",
      date: "2022-05-01",
      label: "Don",
      pieceRef: "P1",
      lines: [
        { account: "512", debit: 100 },
        { account: "7541", credit: 100 },
      ],
    });
    const guard = async (year: number) => {
      throw new ConflictError(`Post the fonds dédiés of ${year} first.`);
    };
    await expect(closeYear(db, 2022, { guard })).rejects.toThrow(/fonds dédiés of 2022/);
    expect((await listYears(db)).find((y) => y.year === 2022)?.status).toBe("open");
    await postEntry(db, {
      journal: "BQ",
      date: "2022-05-02",
      label: "Don",
      pieceRef: "P2",
      lines: [
        { account: "512", debit: 100 },
        { account: "7541", credit: 100 },
      ],
    });
    expect((await closeYear(db, 2022, { guard: async () => undefined })).result).toBe(200);
    db.doc.destroy();
  });
});

describe("closing and the sequencer", () => {
  it("bug: a draft the closing's sequencer could not see yet (index lag) was validated into the year after its result was computed", async () => {
    const db = await freshDb("c");
    await postEntry(db, {
      journal: "BQ",
      date: "2021-03-01",
      label: "Don",
      pieceRef: "P1",
      lines: [
        { account: "512", debit: 10_000 },
        { account: "7541", credit: 10_000 },
      ],
    });
    await postEntry(db, {
      journal: "BQ",
      date: "2021-04-01",
      label: "Honoraires",
      pieceRef: "P2",
      lines: [
        { account: "6226", debit: 2_500 },
        { account: "512", credit: 2_500 },
      ],
    });
    // A poster wrote its draft, and is slow to come back for it.
    const { id: straggler } = await writeDraft(db, { journal: "BQ", date: "2021-12-30", label: "Don tardif", pieceRef: "P3", lines: pair(777) });

    // The closing's view of the pending index lags (as a GSI may in AWS): it does not list the
    // straggler until the closing has read the year's balances.
    const closingDb = makeDb(db.tableName, inject("dynamoEndpoint"));
    const send = closingDb.doc.send.bind(closingDb.doc);
    let balancesRead = false;
    (closingDb.doc as unknown as { send: typeof send }).send = (async (command: unknown) => {
      const out = (await send(command as never)) as { Items?: Record<string, unknown>[] };
      if (command instanceof QueryCommand) {
        const values = command.input.ExpressionAttributeValues ?? {};
        if (values[":p"] === "BAL#2021") balancesRead = true;
        if (values[":p"] === "LEDGER#PENDING" && !balancesRead) out.Items = (out.Items ?? []).filter((i) => i.id !== straggler);
      }
      return out;
    }) as typeof send;

    const closed = await closeYear(closingDb, 2021);
    const e = (await getEntry(db, straggler))!;
    const clSeq = Math.min(...(await Promise.all(closed.closingEntries.map(async (c) => (await getEntry(db, c.id))!.seq!))));
    // Either it landed before the result was computed (and the result counts it), or it was refused.
    if (e.status === "validated") expect(e.seq!).toBeLessThan(clSeq);
    else expect(e.status).toBe("rejected");
    await expect(awaitValidation(db, straggler).then((x) => x.status)).resolves.toBe(e.status);

    const tb = await trialBalance(db, 2021);
    for (const a of tb.accounts.filter((x) => x.account.startsWith("6") || x.account.startsWith("7"))) expect(a.balance).toBe(0);
    expect(tb.totals.debit).toBe(tb.totals.credit);
    expect(closed.result).toBe(10_000 - 2_500 + (e.status === "validated" ? 777 : 0));
    expect((await verifyChain(db)).ok).toBe(true);
    db.doc.destroy();
    closingDb.doc.destroy();
  });

  it("posts racing the closing each land before the result is computed or get 409; the books tie to the cent", async () => {
    const db = await freshDb("c");
    await postEntry(db, {
      journal: "BQ",
      date: "2021-02-01",
      label: "Subvention",
      pieceRef: "S1",
      lines: [
        { account: "512", debit: 50_000 },
        { account: "741", credit: 50_000 },
      ],
    });
    const amounts = Array.from({ length: 30 }, (_, i) => 101 + i);
    const racers = amounts.map(async (amount, i) => {
      await new Promise((r) => setTimeout(r, i * 10));
      const poster = makeDb(db.tableName, inject("dynamoEndpoint"));
      try {
        // Two gifts for one fee paid: income raises the result, the charge lowers it.
        const gift = i % 3 !== 0;
        const lines = gift
          ? [
              { account: "512", debit: amount },
              { account: "7541", credit: amount },
            ]
          : [
              { account: "6226", debit: amount },
              { account: "512", credit: amount },
            ];
        const e = await postEntry(poster, { journal: i % 2 ? "BQ" : "OD", date: "2021-11-15", label: `Course ${i}`, pieceRef: `R${i}`, lines });
        return { amount: gift ? amount : -amount, id: e.id, landed: true as const };
      } catch (err) {
        expect(err).toBeInstanceOf(ConflictError);
        return { amount, landed: false as const };
      } finally {
        poster.doc.destroy();
      }
    });
    const closing = new Promise((r) => setTimeout(r, 80)).then(() => closeYear(db, 2021));
    const [closed, ...outcomes] = await Promise.all([closing, ...racers]);
    const landed = outcomes.filter((o) => o.landed);
    expect(landed.length + outcomes.filter((o) => !o.landed).length).toBe(amounts.length);

    // Every landed post is in the chain before the closing entries.
    const clSeqs = await Promise.all(closed.closingEntries.map(async (c) => (await getEntry(db, c.id))!.seq!));
    for (const o of landed) expect((await getEntry(db, o.id!))!.seq!).toBeLessThan(Math.min(...clSeqs));

    // The result is exactly the income statement of what landed.
    const net = landed.reduce((s, o) => s + o.amount, 0);
    expect(closed.result).toBe(50_000 + net);
    const before = await trialBalance(db, 2021, { closing: "exclude" });
    expect(before.accounts.find((a) => a.account === "512")?.balance).toBe(50_000 + net);
    const after = await trialBalance(db, 2021);
    for (const a of after.accounts.filter((x) => x.account.startsWith("6") || x.account.startsWith("7"))) expect(a.balance).toBe(0);
    expect(after.totals.debit).toBe(after.totals.credit);
    const next = await trialBalance(db, 2022);
    expect(next.accounts.find((a) => a.account === "512")?.balance).toBe(50_000 + net);
    expect(next.accounts.find((a) => a.account === "120")?.balance).toBe(-closed.result);
    expect((await verifyChain(db)).ok).toBe(true);
    db.doc.destroy();
  }, 60_000);
});
