/** The ledger through the real HTTP surface and DynamoDB Local. */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fiscalYearOf, parisDate } from "@asso/core";
import { startTestStack, type TestStack } from "./support/stack.js";
import { acknowledgeAll, closeAcknowledged } from "./support/closing.js";
import type { EntryView } from "@asso/core/ledger";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

/** An entry as the API answers it (the core's view type). */
type Entry = EntryView;
interface TrialBalance {
  accounts: { account: string; debit: number; credit: number; balance: number }[];
  totals: { debit: number; credit: number };
}

const entry = (date: string, amount: number, debit = "512", credit = "7541", extra: Record<string, unknown> = {}) => ({
  journal: "BQ",
  date,
  label: `Opération du ${date}`,
  pieceRef: `P-${date}-${amount}`,
  lines: [
    { account: debit, debit: amount },
    { account: credit, credit: amount },
  ],
  ...extra,
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await stack.call("POST", "/v1/ledger/entries", { body, headers });
  return { res, body: (await res.json()) as Entry & { errors?: { path: string; message: string }[] } };
}
const trialBalance = async (year: number, extra = "") =>
  (await (await stack.call("GET", `/v1/ledger/trial-balance?year=${year}${extra}`, { role: "auditor" })).json()) as TrialBalance;
const balanceOf = (tb: TrialBalance, account: string) => tb.accounts.find((a) => a.account === account)?.balance ?? 0;

describe("posting", () => {
  it("answers 201 with the number, the reference and the hash", async () => {
    const { res, body } = await post(entry("2023-02-01", 12345));
    expect(res.status).toBe(201);
    expect(body.number).toBe(1);
    expect(body.ref).toBe("BQ000001");
    expect(body.status).toBe("validated");
    expect(body.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.lines).toEqual([
      { account: "512", debit: 12345, credit: 0 },
      { account: "7541", debit: 0, credit: 12345 },
    ]);
    const again = await stack.call("GET", `/v1/ledger/entries/${body.id}`, { role: "delegation" });
    expect(((await again.json()) as Entry).hash).toBe(body.hash);
  });

  const bad: Array<[string, unknown, string]> = [
    [
      "unbalanced",
      {
        ...entry("2023-03-01", 100),
        lines: [
          { account: "512", debit: 100 },
          { account: "7541", credit: 90 },
        ],
      },
      "lines",
    ],
    ["single line", { ...entry("2023-03-01", 100), lines: [{ account: "512", debit: 100 }] }, "lines"],
    [
      "zero amount",
      {
        ...entry("2023-03-01", 100),
        lines: [
          { account: "512", debit: 0 },
          { account: "7541", credit: 0 },
        ],
      },
      "lines.0.debit",
    ],
    [
      "negative amount",
      {
        ...entry("2023-03-01", 100),
        lines: [
          { account: "512", debit: -5 },
          { account: "7541", credit: -5 },
        ],
      },
      "lines.0.debit",
    ],
    [
      "fractional cents",
      {
        ...entry("2023-03-01", 100),
        lines: [
          { account: "512", debit: 10.5 },
          { account: "7541", credit: 10.5 },
        ],
      },
      "lines.0.debit",
    ],
    [
      "both debit and credit",
      {
        ...entry("2023-03-01", 100),
        lines: [
          { account: "512", debit: 100, credit: 100 },
          { account: "7541", credit: 100 },
        ],
      },
      "lines.0",
    ],
    ["unknown account", entry("2023-03-01", 100, "999"), "lines.0.account"],
    ["impossible date", entry("2023-02-30", 100), "date"],
    ["extra field number", { ...entry("2023-03-01", 100), number: 7 }, "number"],
    ["extra field hash", { ...entry("2023-03-01", 100), hash: "abc" }, "hash"],
    ["reserved journal", { ...entry("2023-03-01", 100), journal: "AN" }, "journal"],
  ];
  for (const [name, body, path] of bad)
    it(`refuses ${name} with a problem naming ${path}, and writes nothing`, async () => {
      const before = await trialBalance(2023);
      const { res, body: problem } = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
      expect(problem.errors!.some((e) => e.path.startsWith(path))).toBe(true);
      expect(await trialBalance(2023)).toEqual(before);
    });

  it("lists every bad field at once", async () => {
    const { res, body } = await post({ journal: "XX", date: "nope", label: "", pieceRef: "", lines: [] });
    expect(res.status).toBe(400);
    const paths = body.errors!.map((e) => e.path);
    for (const p of ["journal", "date", "label", "pieceRef", "lines"]) expect(paths).toContain(p);
  });

  it("refuses malformed JSON and a wrong content type", async () => {
    const malformed = await stack.call("POST", "/v1/ledger/entries", { body: "{not json", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    const wrongType = await stack.call("POST", "/v1/ledger/entries", {
      body: JSON.stringify(entry("2023-03-01", 1)),
      headers: { "content-type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("refuses a JSON body over 1 MiB with 413", async () => {
    const res = await stack.call("POST", "/v1/ledger/entries", { body: { ...entry("2023-03-01", 1), label: "x".repeat(1024 * 1024) } });
    expect(res.status).toBe(413);
  });
});

describe("audit trail", () => {
  it("an entry records who posted it (token subject and role) and the request id, outside its hash", async () => {
    const { res, body } = await post(entry("2023-02-03", 321));
    expect(res.status).toBe(201);
    const createdBy = (body as unknown as { createdBy: { sub: string; role: string; requestId: string } }).createdBy;
    expect(createdBy.role).toBe("tresorier");
    expect(createdBy.sub).toMatch(/\S/);
    expect(createdBy.requestId).toMatch(/\S/);
    const again = (await (await stack.call("GET", `/v1/ledger/entries/${body.id}`, { role: "auditor" })).json()) as { createdBy: unknown };
    expect(again.createdBy).toEqual(createdBy);
    const reversal = (await (await stack.call("POST", `/v1/ledger/entries/${body.id}/reversal`)).json()) as { createdBy: { role: string; requestId: string } };
    expect(reversal.createdBy.role).toBe("tresorier");
    expect(reversal.createdBy.requestId).not.toBe(createdBy.requestId);
    const integrity = (await (await stack.call("GET", "/v1/ledger/integrity", { role: "auditor" })).json()) as { ok: boolean };
    expect(integrity.ok).toBe(true);
  });
});

describe("idempotency", () => {
  it("a replay with the same key returns the first answer and writes nothing", async () => {
    const body = entry("2023-04-01", 777);
    const first = await post(body, { "idempotency-key": "k-1" });
    const before = await trialBalance(2023);
    const second = await post(body, { "idempotency-key": "k-1" });
    expect(second.res.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await trialBalance(2023)).toEqual(before);
  });
  it("the same key with another body is refused", async () => {
    await post(entry("2023-04-02", 1), { "idempotency-key": "k-2" });
    const { res } = await post(entry("2023-04-02", 2), { "idempotency-key": "k-2" });
    expect(res.status).toBe(409);
  });
  it("concurrent requests with one key write one entry", async () => {
    const body = entry("2023-04-03", 4242, "512", "756");
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(body, { "idempotency-key": "k-3" })));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(balanceOf(await trialBalance(2023), "756")).toBe(-4242);
  });
});

describe("reversal", () => {
  it("writes the mirror entry once; a second reversal is refused with 409", async () => {
    const { body: original } = await post(entry("2023-05-01", 5000, "512", "7542"));
    const res = await stack.call("POST", `/v1/ledger/entries/${original.id}/reversal`);
    expect(res.status).toBe(201);
    const reversal = (await res.json()) as Entry & { reversalOf: string };
    expect(reversal.reversalOf).toBe(original.id);
    expect(reversal.lines).toEqual([
      { account: "512", debit: 0, credit: 5000 },
      { account: "7542", debit: 5000, credit: 0 },
    ]);
    // Dated today (Europe/Paris), in the current year: the original year keeps its books.
    const today = parisDate(new Date());
    expect(reversal.date).toBe(today);
    expect(balanceOf(await trialBalance(2023), "7542")).toBe(-5000);
    expect(balanceOf(await trialBalance(fiscalYearOf(today)), "7542")).toBe(5000);
    const twice = await stack.call("POST", `/v1/ledger/entries/${original.id}/reversal`);
    expect(twice.status).toBe(409);
  });
  it("bug: a reversal was backdated to the reversed entry's date; a date given explicitly is kept", async () => {
    const { body: original } = await post(entry("2023-05-03", 4100, "512", "7542"));
    const byDefault = (await (await stack.call("POST", `/v1/ledger/entries/${original.id}/reversal`)).json()) as Entry;
    expect(byDefault.date).toBe(parisDate(new Date()));
    expect(byDefault.date).not.toBe(original.date);
    const { body: other } = await post(entry("2023-05-04", 4200, "512", "7542"));
    const explicit = (await (await stack.call("POST", `/v1/ledger/entries/${other.id}/reversal`, { body: { date: "2023-06-30" } })).json()) as Entry;
    expect(explicit.date).toBe("2023-06-30");
  });
  it("an unknown entry → 404", async () => {
    const res = await stack.call("POST", "/v1/ledger/entries/does-not-exist/reversal");
    expect(res.status).toBe(404);
  });
  it("no route edits or deletes an entry", async () => {
    const { body } = await post(entry("2023-05-02", 10));
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await stack.call(method, `/v1/ledger/entries/${body.id}`);
      expect(res.status).toBe(404);
    }
  });
});

describe("numbering under concurrency", () => {
  it("200 entries posted 25 at a time get 200 distinct numbers without a gap, and exact balances", async () => {
    const amounts = Array.from({ length: 200 }, (_, i) => 100 + i);
    const results: Entry[] = [];
    for (let i = 0; i < amounts.length; i += 25) {
      const batch = await Promise.all(amounts.slice(i, i + 25).map((a) => post({ ...entry("2022-06-15", a, "4671", "7541"), journal: "ST" })));
      for (const b of batch) {
        expect(b.res.status).toBe(201);
        results.push(b.body);
      }
    }
    const numbers = results.map((r) => r.number!).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const tb = await trialBalance(2022);
    const total = amounts.reduce((s, a) => s + a, 0);
    expect(balanceOf(tb, "4671")).toBe(total);
    expect(balanceOf(tb, "7541")).toBe(-total);
    expect(tb.totals.debit).toBe(tb.totals.credit);
  });
});

describe("general ledger and listings", () => {
  it("pages through an account's lines with the running balance", async () => {
    for (const [d, a] of [
      ["2021-01-10", 1000],
      ["2021-01-20", 250],
      ["2021-02-05", 3000],
    ] as const)
      await post(entry(d, a, "530", "756"));
    const first = (await (await stack.call("GET", "/v1/ledger/general-ledger?year=2021&account=530&limit=2", { role: "auditor" })).json()) as {
      items: { balance: number; debit: number }[];
      nextCursor: string;
    };
    expect(first.items.map((i) => i.balance)).toEqual([1000, 1250]);
    const second = (await (
      await stack.call("GET", `/v1/ledger/general-ledger?year=2021&account=530&limit=2&cursor=${first.nextCursor}`, { role: "auditor" })
    ).json()) as {
      items: { balance: number }[];
      nextCursor: string | null;
    };
    expect(second.items.map((i) => i.balance)).toEqual([4250]);
    expect(second.nextCursor).toBeNull();
  });
  it("lists entries by date range and account", async () => {
    const res = await stack.call("GET", "/v1/ledger/entries?from=2021-01-15&to=2021-12-31&account=530", { role: "delegation" });
    const body = (await res.json()) as { items: Entry[] };
    expect(body.items.map((e) => e.date)).toEqual(["2021-01-20", "2021-02-05"]);
  });
  it("bug: the journal filter was ignored when an account was given too", async () => {
    await post({ ...entry("2021-03-01", 40, "530", "756"), journal: "OD" });
    const res = await stack.call("GET", "/v1/ledger/entries?from=2021-01-01&to=2021-12-31&account=530&journal=OD", { role: "auditor" });
    const body = (await res.json()) as { items: Entry[] };
    expect(body.items.map((e) => e.journal)).toEqual(["OD"]);
  });
  it("bug: GET /v1/ledger/entries?limit=200 answered 500 (one BatchGetItem sent with more than 100 keys)", async () => {
    const res = await stack.call("GET", "/v1/ledger/entries?from=2022-01-01&to=2022-12-31&limit=200", { role: "auditor" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Entry[]; nextCursor: string | null };
    expect(body.items).toHaveLength(200);
    expect(new Set(body.items.map((e) => e.id)).size).toBe(200);
    const all = (await (await stack.call("GET", "/v1/ledger/entries?from=2022-01-01&to=2022-12-31&limit=500", { role: "auditor" })).json()) as {
      items: Entry[];
    };
    expect(all.items.map((e) => e.ref)).toEqual(Array.from({ length: 200 }, (_, i) => `ST${String(i + 1).padStart(6, "0")}`));
  });
  it("pages through entries with signed cursors, every entry once", async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await stack.call("GET", `/v1/ledger/entries?from=2022-01-01&to=2022-12-31&limit=64${cursor ? `&cursor=${cursor}` : ""}`, { role: "auditor" });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Entry[]; nextCursor: string | null };
      ids.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
  });
  it("a forged or tampered cursor is a 400, on entries and on the general ledger", async () => {
    const first = (await (await stack.call("GET", "/v1/ledger/entries?from=2022-01-01&to=2022-12-31&limit=10", { role: "auditor" })).json()) as {
      nextCursor: string;
    };
    const [payload, mac] = first.nextCursor.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ f: "x", y: 1900, j: 0 })).toString("base64url");
    const unsigned = Buffer.from(JSON.stringify({ y: 2022, j: 0 })).toString("base64url");
    for (const cursor of [`${forgedPayload}.${mac}`, unsigned, `${payload}.AAAA${mac!.slice(4)}`, "%%%"]) {
      const res = await stack.call("GET", `/v1/ledger/entries?from=2022-01-01&to=2022-12-31&limit=10&cursor=${encodeURIComponent(cursor)}`, {
        role: "auditor",
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("cursor");
    }
    // A cursor given for other filters, or for another listing, is refused too.
    const otherFilters = await stack.call("GET", `/v1/ledger/entries?from=2022-02-01&to=2022-12-31&limit=10&cursor=${first.nextCursor}`, { role: "auditor" });
    expect(otherFilters.status).toBe(400);
    const gl = await stack.call("GET", `/v1/ledger/general-ledger?year=2022&account=4671&limit=10&cursor=${first.nextCursor}`, { role: "auditor" });
    expect(gl.status).toBe(400);
    const glUnsigned = Buffer.from(JSON.stringify({ k: { pk: "LINES#2022#4671", sk: "0" }, b: 1e9 })).toString("base64url");
    expect((await stack.call("GET", `/v1/ledger/general-ledger?year=2022&account=4671&limit=10&cursor=${glUnsigned}`, { role: "auditor" })).status).toBe(400);
  });
  it("refuses a bad query with every field named", async () => {
    const res = await stack.call("GET", "/v1/ledger/trial-balance?year=abc&extra=1", { role: "auditor" });
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["year", "extra"]));
  });
});

describe("closing a year", () => {
  it("refuses while an earlier year with entries is open, then closes in order", async () => {
    await post(entry("2019-03-01", 10000, "512", "741"));
    await post(entry("2019-04-01", 2500, "6226", "512"));
    await post(entry("2020-01-15", 700, "512", "7541"));
    const early = await stack.call("POST", "/v1/ledger/years/2020/close");
    expect(early.status).toBe(409);

    const res = await closeAcknowledged(stack, 2019);
    expect(res.status).toBe(201);
    const closed = (await res.json()) as { result: number; closingEntries: Entry[]; openingEntries: Entry[] };
    expect(closed.result).toBe(7500);
    const tb2019 = await trialBalance(2019);
    for (const a of tb2019.accounts.filter((x) => x.account.startsWith("6") || x.account.startsWith("7"))) expect(a.balance).toBe(0);
    expect(balanceOf(tb2019, "120")).toBe(-7500);
    const before = await trialBalance(2019, "&closing=exclude");
    expect(balanceOf(before, "741")).toBe(-10000);

    // Opening entries in 2020, journal AN, carrying that journal's first number.
    expect(closed.openingEntries[0]!.journal).toBe("AN");
    expect(closed.openingEntries[0]!.number).toBe(1);
    expect(closed.openingEntries[0]!.date).toBe("2020-01-01");
    const tb2020 = await trialBalance(2020);
    expect(balanceOf(tb2020, "512")).toBe(10000 - 2500 + 700);
    expect(balanceOf(tb2020, "120")).toBe(-7500);

    // The year is locked.
    const late = await post(entry("2019-12-31", 5));
    expect(late.res.status).toBe(409);
    const twice = await stack.call("POST", "/v1/ledger/years/2019/close");
    expect(twice.status).toBe(409);
    const years = (await (await stack.call("GET", "/v1/ledger/years", { role: "auditor" })).json()) as { items: { year: number; status: string }[] };
    expect(years.items.find((y) => y.year === 2019)?.status).toBe("closed");
    expect(years.items.find((y) => y.year === 2020)?.status).toBe("open");
  });
  it("bug: an entry dated in a year before a closed year was accepted (it would reopen closed books)", async () => {
    const before = await trialBalance(2018);
    const { res } = await post(entry("2018-06-01", 5));
    expect(res.status).toBe(409);
    expect(await trialBalance(2018)).toEqual(before);
  });
  it("closing the current or a future fiscal year is refused with 409 (through HTTP)", async () => {
    const current = fiscalYearOf(parisDate(new Date()));
    for (const year of [current, current + 1]) {
      const res = await stack.call("POST", `/v1/ledger/years/${year}/close`);
      expect(res.status).toBe(409);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/may be closed only once/);
    }
  });
  it("a replayed close with the same Idempotency-Key returns the first answer", async () => {
    const body = await acknowledgeAll(stack, 2020);
    const a = await stack.call("POST", "/v1/ledger/years/2020/close", { body, headers: { "idempotency-key": "close-2020" } });
    const b = await stack.call("POST", "/v1/ledger/years/2020/close", { body, headers: { "idempotency-key": "close-2020" } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(await b.json()).toEqual(await a.json());
  });
});

describe("integrity", () => {
  it("re-verifies the chain, and names the entry tampered with directly in DynamoDB", async () => {
    const ok = (await (await stack.call("GET", "/v1/ledger/integrity", { role: "auditor" })).json()) as { ok: boolean; entries: number };
    expect(ok.ok).toBe(true);
    expect(ok.entries).toBeGreaterThan(200);
    const { body: victim } = await post(entry("2023-07-01", 99999));
    await post(entry("2023-07-02", 1));
    await stack.db.doc.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: { pk: `ENTRY#${victim.id}`, sk: "ENTRY" },
        UpdateExpression: "SET #l[0].debit = :d, #l[1].credit = :d",
        ExpressionAttributeNames: { "#l": "lines" },
        ExpressionAttributeValues: { ":d": 9 },
      }),
    );
    const broken = (await (await stack.call("GET", "/v1/ledger/integrity", { role: "auditor" })).json()) as {
      ok: boolean;
      firstBroken: { id: string; reason: string };
    };
    expect(broken.ok).toBe(false);
    expect(broken.firstBroken.id).toBe(victim.id);
  });
});
