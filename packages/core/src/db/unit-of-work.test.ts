/** The unit of work through the in-memory adapter: one commit, all or nothing, failures mapped as declared. */
import { describe, expect, it } from "vitest";
import { memoryDb } from "./memory.js";
import { getItem, TransactionFailed } from "./store.js";
import { decideAgain, UnitOfWork } from "./unit-of-work.js";

class Taken extends Error {}

describe("UnitOfWork", () => {
  it("commits every intent in one transaction: put, update, delete, check", async () => {
    const db = memoryDb();
    await new UnitOfWork().put("a", { pk: "U", sk: "a", n: 1 }).put("b", { pk: "U", sk: "b" }).commit(db);
    await new UnitOfWork()
      .update("a", { pk: "U", sk: "a" }, { expression: "SET n = n + :one", values: { ":one": 1 } }, { condition: { expression: "attribute_exists(pk)" } })
      .delete("b", { pk: "U", sk: "b" })
      .check("free", { pk: "U", sk: "c" }, { expression: "attribute_not_exists(pk)" })
      .commit(db);
    expect(db.doc.items()).toEqual([{ pk: "U", sk: "a", n: 2 }]);
  });

  it("a failed condition throws the error its intent declared, and nothing is written", async () => {
    const db = memoryDb();
    await new UnitOfWork().put("x", { pk: "U", sk: "x" }).commit(db);
    const work = new UnitOfWork()
      .put("y", { pk: "U", sk: "y" })
      .put("x", { pk: "U", sk: "x", again: true }, { condition: { expression: "attribute_not_exists(pk)" }, fails: () => new Taken("x is taken") });
    await expect(work.commit(db)).rejects.toBeInstanceOf(Taken);
    expect(await getItem(db, { pk: "U", sk: "y" })).toBeUndefined();
  });

  it("without a declared error: the use case's mapping, else TransactionFailed naming the items; two intents may not share a name", async () => {
    const db = memoryDb();
    await new UnitOfWork().put("x", { pk: "U", sk: "x" }).commit(db);
    const clash = () => new UnitOfWork().check("gone", { pk: "U", sk: "x" }, { expression: "attribute_not_exists(pk)" });
    await expect(clash().commit(db, { failed: (err) => new Taken(err.failed.join()) })).rejects.toThrow("gone");
    const err = await clash()
      .commit(db)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionFailed);
    expect((err as TransactionFailed).failed).toEqual(["gone"]);
    expect(() => new UnitOfWork().put("a", { pk: "U", sk: "1" }).put("a", { pk: "U", sk: "2" })).toThrow(/named a/);
  });

  it("a store-built intent declares its error with failsWith; orFails maps the rest; failureOf says it for a store's own transaction", async () => {
    const db = memoryDb();
    await new UnitOfWork().put("x", { pk: "U", sk: "x" }).commit(db);
    const taken = { name: "x", item: { Put: { Item: { pk: "U", sk: "x" }, ConditionExpression: "attribute_not_exists(pk)" } } };
    await expect(
      new UnitOfWork()
        .add(taken)
        .failsWith("x", () => new Taken("declared"))
        .commit(db),
    ).rejects.toThrow("declared");
    await expect(
      new UnitOfWork()
        .add(taken)
        .orFails((err) => new Taken(`other ${err.failed.join()}`))
        .commit(db),
    ).rejects.toThrow("other x");
    const work = new UnitOfWork().add(taken).failsWith("x", () => new Taken("declared"));
    expect(work.items.map((i) => i.name)).toEqual(["x"]);
    expect(work.failureOf(new TransactionFailed(["x"], false, {}))?.message).toBe("declared");
    expect(work.failureOf(new TransactionFailed(["y"], false, {}))).toBeUndefined();
    expect(work.failureOf(new TransactionFailed([], true, {}))).toBeUndefined();
  });

  it("tryCommit answers the refused transaction (nothing written) instead of throwing it, undefined when written", async () => {
    const db = memoryDb();
    expect(await new UnitOfWork().put("x", { pk: "U", sk: "x" }).tryCommit(db)).toBeUndefined();
    const refused = await new UnitOfWork()
      .put("y", { pk: "U", sk: "y" })
      .put("x", { pk: "U", sk: "x" }, { condition: { expression: "attribute_not_exists(pk)" } })
      .tryCommit(db);
    expect(refused?.has("x")).toBe(true);
    expect(await getItem(db, { pk: "U", sk: "y" })).toBeUndefined();
  });

  it("decideAgain runs the attempt again while a named intent was read stale, and throws any other failure", async () => {
    let runs = 0;
    const answer = await decideAgain(
      async () => {
        runs++;
        if (runs < 3) throw new TransactionFailed(["grant"], false, {});
        return "done";
      },
      { stale: ["grant"] },
    );
    expect([answer, runs]).toEqual(["done", 3]);
    runs = 0;
    const other = decideAgain(
      async () => {
        runs++;
        throw new TransactionFailed(["bank-line"], false, {});
      },
      { stale: ["grant"] },
    );
    await expect(other).rejects.toBeInstanceOf(TransactionFailed);
    expect(runs).toBe(1);
  });
});
