/**
 * The storage port's conformance: the same cases (core/db/store-cases.ts) against DynamoDB Local
 * and against the in-memory adapter, side by side, so the adapter the unit tests use cannot drift
 * from DynamoDB.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, inject } from "vitest";
import { ensureTable } from "../infra/dynamodb-local.js";
import { makeDb, memoryDb, type Db } from "@asso/core/db";
import { storeConformance } from "../packages/core/src/db/store-cases.js";

describe("DynamoDB Local", () => {
  let db: Db;
  beforeAll(async () => {
    const endpoint = inject("dynamoEndpoint");
    const tableName = `t-${randomUUID().slice(0, 8)}`;
    await ensureTable(endpoint, tableName);
    db = makeDb(tableName, endpoint);
  });
  storeConformance(() => db);
});

describe("in-memory adapter", () => {
  const db = memoryDb();
  storeConformance(() => db);
});
