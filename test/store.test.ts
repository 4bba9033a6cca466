/** The shared storage helper against DynamoDB Local, at each of DynamoDB's limits. */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { ensureTable } from "../infra/dynamodb-local.js";
import { makeDb, type Db } from "@asso/core";
import {
  batchGet,
  batchPut,
  counterItem,
  getItem,
  increment,
  putItem,
  queryAll,
  queryPages,
  readCounter,
  transact,
  TooManyItems,
  TransactionFailed,
  updateItem,
  withConflictRetry,
  type NamedItem,
} from "@asso/core/db/store";

let db: Db;
beforeAll(async () => {
  const endpoint = inject("dynamoEndpoint");
  const tableName = `t-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  db = makeDb(tableName, endpoint);
});

const put = (pk: string, sk: string, extra: Record<string, unknown> = {}): NamedItem => ({
  name: `${pk}/${sk}`,
  item: { Put: { Item: { pk, sk, ...extra } } },
});

describe("batch reads", () => {
  it.each([101, 500])("reads %i keys (DynamoDB takes 100 a call), in the order asked", async (n) => {
    await batchPut(
      db,
      Array.from({ length: n }, (_, i) => ({ pk: `B${n}`, sk: String(i).padStart(4, "0"), i })),
    );
    const keys = Array.from({ length: n }, (_, i) => ({ pk: `B${n}`, sk: String(n - 1 - i).padStart(4, "0") }));
    const items = await batchGet(db, [...keys, { pk: `B${n}`, sk: "missing" }]);
    expect(items).toHaveLength(n);
    expect(items.map((i) => i.i)).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
  });
});

describe("transactions", () => {
  it("writes 26 and 100 items in one transaction, refuses 101 before sending", async () => {
    await transact(
      db,
      Array.from({ length: 26 }, (_, i) => put("T26", String(i))),
    );
    expect(await queryAll(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "T26" } })).toHaveLength(26);
    await transact(
      db,
      Array.from({ length: 100 }, (_, i) => put("T100", String(i))),
    );
    expect(await queryAll(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "T100" } })).toHaveLength(100);
    await expect(
      transact(
        db,
        Array.from({ length: 101 }, (_, i) => put("T101", String(i))),
      ),
    ).rejects.toBeInstanceOf(TooManyItems);
  });

  it("names the item whose condition failed, whatever its position, and writes nothing", async () => {
    await transact(db, [put("N", "taken")]);
    const items = [
      put("N", "a"),
      put("N", "b"),
      { name: "marker", item: { Put: { Item: { pk: "N", sk: "taken" }, ConditionExpression: "attribute_not_exists(pk)" } } },
      put("N", "c"),
    ];
    const err = await transact(db, items).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionFailed);
    expect((err as TransactionFailed).failed).toEqual(["marker"]);
    expect((err as TransactionFailed).has("marker")).toBe(true);
    expect(await queryAll(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "N" } })).toHaveLength(1);
  });

  it("gapless counters: concurrent writers each get the next number once, conflicts retried", async () => {
    const key = { pk: "C", sk: "COUNTER" };
    const take = () =>
      withConflictRetry(async () => {
        for (;;) {
          const current = await readCounter(db, key);
          try {
            await transact(db, [{ name: "counter", item: counterItem(key, current, current + 1) }, put("C", `n${current + 1}`)]);
            return current + 1;
          } catch (e) {
            if (!(e instanceof TransactionFailed) || !e.has("counter")) throw e;
          }
        }
      });
    const got = await Promise.all(Array.from({ length: 12 }, take));
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await increment(db, { pk: "C", sk: "PLAIN" }, 5)).toBe(5);
    expect(await increment(db, { pk: "C", sk: "PLAIN" })).toBe(6);
  });
});

describe("single writes", () => {
  it("a conditional put or update that fails answers false and writes nothing", async () => {
    const key = { pk: "S", sk: "one" };
    expect(await putItem(db, { ...key, v: 1 }, { expression: "attribute_not_exists(pk)" })).toBe(true);
    expect(await putItem(db, { ...key, v: 2 }, { expression: "attribute_not_exists(pk)" })).toBe(false);
    expect((await getItem(db, key))?.v).toBe(1);
    expect(
      await updateItem(db, { Key: key, UpdateExpression: "SET v = :n", ConditionExpression: "v = :c", ExpressionAttributeValues: { ":n": 3, ":c": 9 } }),
    ).toBe(false);
    expect(
      await updateItem(db, { Key: key, UpdateExpression: "SET v = :n", ConditionExpression: "v = :c", ExpressionAttributeValues: { ":n": 3, ":c": 1 } }),
    ).toMatchObject({ v: 3 });
  });
});

describe("paging", () => {
  it("reads a partition past 1 MB across pages", async () => {
    const blob = "x".repeat(100_000);
    await batchPut(
      db,
      Array.from({ length: 14 }, (_, i) => ({ pk: "BIG", sk: String(i).padStart(2, "0"), blob })),
    );
    let pages = 0;
    let count = 0;
    for await (const page of queryPages(db, { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "BIG" } })) {
      pages++;
      count += page.length;
    }
    expect(pages).toBeGreaterThan(1);
    expect(count).toBe(14);
  });
});
