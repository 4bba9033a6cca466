/**
 * Faults DynamoDB Local does not produce by itself, injected into the real client: a transaction
 * cancelled because another transaction touched the same item at the same time (in AWS: the year
 * item, checked by every draft and updated by every validation batch).
 */
import { randomUUID } from "node:crypto";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { expect, inject, it } from "vitest";
import { getEntry, makeDb, postEntry, trialBalance, writeDraft } from "@asso/core";
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

it("a draft left by a poster that died is validated by the scheduled sweep", async () => {
  const table = `s-${randomUUID().slice(0, 8)}`;
  await ensureTable(inject("dynamoEndpoint"), table);
  const db = makeDb(table, inject("dynamoEndpoint"));
  // The poster wrote its draft, then died before validating it.
  const { id } = await writeDraft(db, {
    journal: "OD",
    date: "2024-06-01",
    label: "Orpheline",
    pieceRef: "P9",
    lines: [
      { account: "512", debit: 700, credit: 0 },
      { account: "756", debit: 0, credit: 700 },
    ],
  });
  expect((await getEntry(db, id))?.status).toBe("draft");
  Object.assign(process.env, { TABLE_NAME: table, DYNAMODB_ENDPOINT: inject("dynamoEndpoint") });
  const { handler } = await import("../packages/functions/src/handlers/ledger.js");
  const result = await handler({ source: "aws.events", "detail-type": "Scheduled Event" });
  expect(result).toEqual({ validated: 1, pending: false });
  expect((await getEntry(db, id))?.number).toBe(1);
});
