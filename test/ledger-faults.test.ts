/**
 * Faults DynamoDB Local does not produce by itself, injected into the real client: a transaction
 * cancelled because another transaction touched the same item at the same time (in AWS: the year
 * item, checked by every draft and updated by every validation batch).
 */
import { randomUUID } from "node:crypto";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { expect, inject, it } from "vitest";
import { makeDb, postEntry, trialBalance } from "@asso/core";
import { ensureTable } from "../infra/dynamodb-local.js";

it("bug: a transaction conflict on the year item surfaced as an error instead of being retried", async () => {
  const table = `f-${randomUUID().slice(0, 8)}`;
  await ensureTable(inject("dynamoEndpoint"), table);
  const db = makeDb(table, inject("dynamoEndpoint"));
  const send = db.doc.send.bind(db.doc);
  let injected = 0;
  (db.doc as unknown as { send: typeof send }).send = (async (command: unknown) => {
    if (command instanceof TransactWriteCommand && injected < 3) {
      injected++;
      const n = command.input.TransactItems!.length;
      throw new TransactionCanceledException({
        message: "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",
        $metadata: {},
        CancellationReasons: Array.from({ length: n }, (_, i) => ({ Code: i === 1 ? "TransactionConflict" : "None" })),
      });
    }
    return send(command as never);
  }) as typeof send;

  const entry = await postEntry(db, {
    journal: "BQ",
    date: "2024-01-02",
    label: "Don",
    pieceRef: "P1",
    lines: [
      { account: "512", debit: 1000 },
      { account: "7541", credit: 1000 },
    ],
  });
  expect(injected).toBe(3);
  expect(entry.number).toBe(1);
  expect((await trialBalance(db, 2024)).totals).toEqual({ debit: 1000, credit: 1000 });
});
