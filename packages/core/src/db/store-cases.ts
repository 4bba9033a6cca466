/**
 * The storage port's conformance cases: one list, run against DynamoDB Local (test/store.test.ts)
 * and against the in-memory adapter (the same file, and db/memory.test.ts in the unit project), so
 * the two adapters cannot drift. Each case writes under partition keys of its own.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "./client.js";
import {
  batchGet,
  batchPut,
  counterItem,
  getItem,
  increment,
  type NamedItem,
  putItem,
  queryAll,
  queryPage,
  queryPages,
  readCounter,
  TooManyItems,
  TransactionFailed,
  transact,
  updateItem,
  withConflictRetry,
} from "./store.js";

const put = (pk: string, sk: string, extra: Record<string, unknown> = {}): NamedItem => ({
  name: `${pk}/${sk}`,
  item: { Put: { Item: { pk, sk, ...extra } } },
});

const partition = (db: Db, pk: string) => queryAll(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": pk } });
const errorName = (p: Promise<unknown>) =>
  p.then(
    () => "no error",
    (e: unknown) => (e as Error).name,
  );

/** Registers the cases; `db()` answers the adapter under test (ready once the cases run). */
export function storeConformance(db: () => Db): void {
  describe("batch reads", () => {
    it.each([101, 500])("reads %i keys (DynamoDB takes 100 a call), in the order asked", async (n) => {
      await batchPut(
        db(),
        Array.from({ length: n }, (_, i) => ({ pk: `B${n}`, sk: String(i).padStart(4, "0"), i })),
      );
      const keys = Array.from({ length: n }, (_, i) => ({ pk: `B${n}`, sk: String(n - 1 - i).padStart(4, "0") }));
      const items = await batchGet(db(), [...keys, { pk: `B${n}`, sk: "missing" }]);
      expect(items).toHaveLength(n);
      expect(items.map((i) => i.i)).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
    });
  });

  describe("transactions", () => {
    it("writes 26 and 100 items in one transaction, refuses 101 before sending", async () => {
      await transact(
        db(),
        Array.from({ length: 26 }, (_, i) => put("T26", String(i))),
      );
      expect(await partition(db(), "T26")).toHaveLength(26);
      await transact(
        db(),
        Array.from({ length: 100 }, (_, i) => put("T100", String(i))),
      );
      expect(await partition(db(), "T100")).toHaveLength(100);
      await expect(
        transact(
          db(),
          Array.from({ length: 101 }, (_, i) => put("T101", String(i))),
        ),
      ).rejects.toBeInstanceOf(TooManyItems);
    });

    it("names the item whose condition failed, whatever its position, and writes nothing", async () => {
      await transact(db(), [put("N", "taken")]);
      const items = [
        put("N", "a"),
        put("N", "b"),
        { name: "marker", item: { Put: { Item: { pk: "N", sk: "taken" }, ConditionExpression: "attribute_not_exists(pk)" } } },
        put("N", "c"),
      ];
      const err = await transact(db(), items).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransactionFailed);
      expect((err as TransactionFailed).failed).toEqual(["marker"]);
      expect((err as TransactionFailed).has("marker")).toBe(true);
      expect((err as TransactionFailed).reasons).toEqual({ marker: "ConditionalCheckFailed" });
      expect((err as TransactionFailed).conflict).toBe(false);
      expect(await partition(db(), "N")).toHaveLength(1);
    });

    it("updates, deletes and checks in one transaction; every failed check is named; nothing half-written", async () => {
      await transact(db(), [put("TX", "a", { n: 1 }), put("TX", "b", { n: 2 }), put("TX", "c", { n: 3 })]);
      const items = (cAt: number, bAt: number): NamedItem[] => [
        { name: "add", item: { Update: { Key: { pk: "TX", sk: "a" }, UpdateExpression: "SET n = n + :one", ExpressionAttributeValues: { ":one": 1 } } } },
        { name: "drop", item: { Delete: { Key: { pk: "TX", sk: "b" }, ConditionExpression: "n = :v", ExpressionAttributeValues: { ":v": bAt } } } },
        { name: "check", item: { ConditionCheck: { Key: { pk: "TX", sk: "c" }, ConditionExpression: "n = :v", ExpressionAttributeValues: { ":v": cAt } } } },
        { name: "missing", item: { ConditionCheck: { Key: { pk: "TX", sk: "zz" }, ConditionExpression: "attribute_not_exists(pk)" } } },
      ];
      const err = (await transact(db(), items(9, 8)).catch((e: unknown) => e)) as TransactionFailed;
      expect(err).toBeInstanceOf(TransactionFailed);
      expect(err.failed).toEqual(["drop", "check"]);
      expect(err.reasons).toEqual({ drop: "ConditionalCheckFailed", check: "ConditionalCheckFailed" });
      expect((await partition(db(), "TX")).map((i) => i.n)).toEqual([1, 2, 3]);
      await transact(db(), items(3, 2));
      expect((await partition(db(), "TX")).map((i) => [i.sk, i.n])).toEqual([
        ["a", 2],
        ["c", 3],
      ]);
    });

    it("refuses two operations on one item, and a condition on a value it was not given", async () => {
      expect(await errorName(transact(db(), [put("TD", "x"), put("TD", "x", { again: true })]))).toBe("ValidationException");
      expect(await partition(db(), "TD")).toHaveLength(0);
      expect(
        await errorName(
          transact(db(), [
            { name: "bad", item: { Put: { Item: { pk: "TD", sk: "y" }, ConditionExpression: "v = :missing", ExpressionAttributeValues: { ":other": 1 } } } },
          ]),
        ),
      ).toBe("ValidationException");
    });

    it("gapless counters: concurrent writers each get the next number once, conflicts retried", async () => {
      const key = { pk: "C", sk: "COUNTER" };
      const take = () =>
        withConflictRetry(async () => {
          for (;;) {
            const current = await readCounter(db(), key);
            try {
              await transact(db(), [{ name: "counter", item: counterItem(key, current, current + 1) }, put("C", `n${current + 1}`)]);
              return current + 1;
            } catch (e) {
              if (!(e instanceof TransactionFailed) || !e.has("counter")) throw e;
            }
          }
        });
      const got = await Promise.all(Array.from({ length: 12 }, take));
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await increment(db(), { pk: "C", sk: "PLAIN" }, 5)).toBe(5);
      expect(await increment(db(), { pk: "C", sk: "PLAIN" })).toBe(6);
    });
  });

  describe("single writes", () => {
    it("a conditional put or update that fails answers false and writes nothing", async () => {
      const key = { pk: "S", sk: "one" };
      expect(await putItem(db(), { ...key, v: 1 }, { expression: "attribute_not_exists(pk)" })).toBe(true);
      expect(await putItem(db(), { ...key, v: 2 }, { expression: "attribute_not_exists(pk)" })).toBe(false);
      expect((await getItem(db(), key))?.v).toBe(1);
      expect(
        await updateItem(db(), { Key: key, UpdateExpression: "SET v = :n", ConditionExpression: "v = :c", ExpressionAttributeValues: { ":n": 3, ":c": 9 } }),
      ).toBe(false);
      expect(
        await updateItem(db(), { Key: key, UpdateExpression: "SET v = :n", ConditionExpression: "v = :c", ExpressionAttributeValues: { ":n": 3, ":c": 1 } }),
      ).toMatchObject({ v: 3 });
    });

    it("keeps documents as written: maps, lists, null, booleans, empty strings; undefined left out", async () => {
      const item = { pk: "DOC", sk: "1", m: { a: 1, b: [1, "x", null, { c: true }] }, e: "", n: null, f: false, gone: undefined, neg: -12.5 };
      await putItem(db(), item);
      const { gone: _gone, ...expected } = item;
      expect(await getItem(db(), { pk: "DOC", sk: "1" })).toEqual(expected);
      expect(await getItem(db(), { pk: "DOC", sk: "none" })).toBeUndefined();
    });

    it("the update subset: SET with + and -, if_not_exists, nested paths, ADD, REMOVE; a new item from its key", async () => {
      const Key = { pk: "U", sk: "1" };
      const first = await updateItem(db(), {
        Key,
        UpdateExpression: "SET #s = if_not_exists(#s, :open), totals = :t, kind = :k ADD entries :n",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":open": "open", ":t": { "2024": 5 }, ":k": "year", ":n": 2 },
      });
      expect(first).toEqual({ pk: "U", sk: "1", status: "open", totals: { "2024": 5 }, kind: "year", entries: 2 });
      const second = await updateItem(db(), {
        Key,
        UpdateExpression: "SET #s = if_not_exists(#s, :other), totals.#y = totals.#y - :d, parts = :l REMOVE kind ADD entries :n",
        ConditionExpression: "attribute_exists(pk) AND #s IN (:open, :closing)",
        ExpressionAttributeNames: { "#s": "status", "#y": "2024" },
        ExpressionAttributeValues: { ":other": "closed", ":open": "open", ":closing": "closing", ":d": 2, ":l": ["a"], ":n": -1 },
      });
      expect(second).toEqual({ pk: "U", sk: "1", status: "open", totals: { "2024": 3 }, parts: ["a"], entries: 1 });
      expect(await increment(db(), Key, 4, "entries")).toBe(5);
    });

    it("refuses arithmetic on a missing attribute, a key attribute updated, values no expression uses, and reserved words", async () => {
      const Key = { pk: "UV", sk: "1" };
      await putItem(db(), { ...Key, a: 1 });
      expect(await errorName(updateItem(db(), { Key, UpdateExpression: "SET a = b + :one", ExpressionAttributeValues: { ":one": 1 } }))).toBe(
        "ValidationException",
      );
      expect(await errorName(updateItem(db(), { Key, UpdateExpression: "SET sk = :x", ExpressionAttributeValues: { ":x": "2" } }))).toBe("ValidationException");
      expect(await errorName(updateItem(db(), { Key, UpdateExpression: "SET a = :x", ExpressionAttributeValues: { ":x": 2, ":unused": 3 } }))).toBe(
        "ValidationException",
      );
      expect(await errorName(putItem(db(), { pk: "UV", sk: "2" }, { expression: "attribute_not_exists(pk)", names: { "#unused": "x" } }))).toBe(
        "ValidationException",
      );
      expect(
        await errorName(
          updateItem(db(), {
            Key,
            UpdateExpression: "SET #s = :x",
            ConditionExpression: "status = :x",
            ExpressionAttributeNames: { "#s": "status" },
            ExpressionAttributeValues: { ":x": "open" },
          }),
        ),
      ).toBe("ValidationException");
      expect(await getItem(db(), Key)).toEqual({ ...Key, a: 1 });
    });

    it("conditions: a missing attribute compares false and <> true, types never compare, AND/OR/NOT and parentheses", async () => {
      const Key = { pk: "CND", sk: "1" };
      await putItem(db(), { ...Key, n: 5, s: "abc" });
      const holds = async (expression: string, values: Record<string, unknown> = {}, names?: Record<string, string>) =>
        (await updateItem(db(), {
          Key,
          UpdateExpression: "SET touched = :yes",
          ConditionExpression: expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ":yes": true, ...values },
        })) !== false;
      expect(await holds("absent = :v", { ":v": 1 })).toBe(false);
      expect(await holds("absent <> :v", { ":v": 1 })).toBe(true);
      expect(await holds("absent < :v", { ":v": 1 })).toBe(false);
      expect(await holds("n = :v", { ":v": "5" })).toBe(false);
      expect(await holds("n < :v", { ":v": "6" })).toBe(false);
      expect(await holds("n BETWEEN :a AND :b", { ":a": 5, ":b": 6 })).toBe(true);
      expect(await holds("begins_with(s, :p) AND NOT (n > :v OR attribute_exists(#m))", { ":p": "ab", ":v": 5 }, { "#m": "missing" })).toBe(true);
      expect(await holds("s IN (:a, :b)", { ":a": "x", ":b": "abd" })).toBe(false);
      expect(await holds("size(s) = :three", { ":three": 3 })).toBe(true);
    });
  });

  describe("queries", () => {
    const SKS = ["a", "B", "b", "aa", "é", "z", "\u{1F600}", "\uFFFD", "2024-01-01", "2024-12-31", "2025-01-01"];
    const load = (pk: string) =>
      batchPut(
        db(),
        SKS.map((sk, i) => ({ pk, sk, i, odd: i % 2 === 1 })),
      );
    const sks = (items: Record<string, unknown>[]) => items.map((i) => i.sk);

    it("orders a partition by sort key in code point order, forwards and backwards", async () => {
      await load("Q1");
      const forward = sks(await partition(db(), "Q1"));
      expect(forward).toEqual(["2024-01-01", "2024-12-31", "2025-01-01", "B", "a", "aa", "b", "z", "é", "\uFFFD", "\u{1F600}"]);
      const backward = sks(await queryAll(db(), { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "Q1" }, ScanIndexForward: false }));
      expect(backward).toEqual([...forward].reverse());
    });

    it("key conditions: begins_with, BETWEEN and comparisons on the sort key", async () => {
      await load("Q2");
      const q = async (cond: string, values: Record<string, unknown>) =>
        sks(await queryAll(db(), { KeyConditionExpression: `pk = :p AND ${cond}`, ExpressionAttributeValues: { ":p": "Q2", ...values } }));
      expect(await q("begins_with(sk, :s)", { ":s": "a" })).toEqual(["a", "aa"]);
      expect(await q("sk BETWEEN :a AND :b", { ":a": "2024-01-01", ":b": "2024-12-31" })).toEqual(["2024-01-01", "2024-12-31"]);
      expect(await q("sk > :a", { ":a": "z" })).toEqual(["é", "\uFFFD", "\u{1F600}"]);
      expect(await q("sk <= :a", { ":a": "2024-12-31" })).toEqual(["2024-01-01", "2024-12-31"]);
      expect(await q("sk = :a", { ":a": "B" })).toEqual(["B"]);
      expect(await errorName(q("other = :a", { ":a": "B" }))).toBe("ValidationException");
    });

    it("pages by Limit with ExclusiveStartKey; a filter applies after the limit; the last full page still gives a resume key", async () => {
      await load("Q3");
      const pages: { sks: unknown[]; last: unknown }[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await queryPage(db(), {
          KeyConditionExpression: "pk = :p",
          FilterExpression: "odd = :t",
          ExpressionAttributeValues: { ":p": "Q3", ":t": true },
          Limit: 4,
          ExclusiveStartKey: start,
        });
        pages.push({ sks: sks(r.items), last: r.lastKey });
        start = r.lastKey;
      } while (start);
      expect(pages.map((p) => p.sks)).toEqual([["2024-12-31", "B"], ["aa", "z"], ["\uFFFD"]]);
      expect(pages[0]?.last).toEqual({ pk: "Q3", sk: "B" });
      const exact = await queryPage(db(), { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "Q3" }, Limit: SKS.length });
      expect(exact.items).toHaveLength(SKS.length);
      expect(exact.lastKey).toEqual({ pk: "Q3", sk: "\u{1F600}" });
      const after = exact.lastKey
        ? await queryPage(db(), { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "Q3" }, ExclusiveStartKey: exact.lastKey })
        : { items: [] };
      expect(after.items).toEqual([]);
    });

    it("reads a partition past 1 MB across pages", async () => {
      const blob = "x".repeat(100_000);
      await batchPut(
        db(),
        Array.from({ length: 14 }, (_, i) => ({ pk: "BIG", sk: String(i).padStart(2, "0"), blob })),
      );
      let pages = 0;
      let count = 0;
      for await (const page of queryPages(db(), { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "BIG" } })) {
        pages++;
        count += page.length;
      }
      expect(pages).toBeGreaterThan(1);
      expect(count).toBe(14);
    });
  });

  describe("secondary indexes", () => {
    it("are sparse, follow updates and removals, page with the index's keys, and refuse consistent reads", async () => {
      await batchPut(db(), [
        { pk: "G#1", sk: "E", gsi1pk: "PENDING", gsi1sk: "0003", gsi2pk: "Y2024", gsi2sk: "BQ#1" },
        { pk: "G#2", sk: "E", gsi1pk: "PENDING", gsi1sk: "0001" },
        { pk: "G#3", sk: "E", gsi1pk: "PENDING" },
        { pk: "G#4", sk: "E", gsi1pk: "PENDING", gsi1sk: "0002" },
      ]);
      const pending = async () =>
        (await queryAll(db(), { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": "PENDING" } })).map((i) => i.pk);
      expect(await pending()).toEqual(["G#2", "G#4", "G#1"]);
      await updateItem(db(), { Key: { pk: "G#4", sk: "E" }, UpdateExpression: "REMOVE gsi1pk, gsi1sk" });
      await updateItem(db(), { Key: { pk: "G#3", sk: "E" }, UpdateExpression: "SET gsi1sk = :s", ExpressionAttributeValues: { ":s": "0000" } });
      expect(await pending()).toEqual(["G#3", "G#2", "G#1"]);
      const page = await queryPage(db(), {
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :p AND gsi1sk > :s",
        ExpressionAttributeValues: { ":p": "PENDING", ":s": "0000" },
        Limit: 1,
      });
      expect(page.items.map((i) => i.pk)).toEqual(["G#2"]);
      expect(page.lastKey).toEqual({ pk: "G#2", sk: "E", gsi1pk: "PENDING", gsi1sk: "0001" });
      const next = await queryPage(db(), {
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :p AND gsi1sk > :s",
        ExpressionAttributeValues: { ":p": "PENDING", ":s": "0000" },
        ExclusiveStartKey: page.lastKey,
      });
      expect(next.items.map((i) => i.pk)).toEqual(["G#1"]);
      expect((await queryAll(db(), { IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :p", ExpressionAttributeValues: { ":p": "Y2024" } })).length).toBe(1);
      expect(
        await errorName(
          queryAll(db(), { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": "PENDING" }, ConsistentRead: true }),
        ),
      ).toBe("ValidationException");
      expect(await errorName(putItem(db(), { pk: "G#5", sk: "E", gsi1pk: "PENDING", gsi1sk: 7 }))).toBe("ValidationException");
    });
  });
}
