/** The in-memory adapter passes the storage port's conformance cases (also run against DynamoDB Local in test/store.test.ts). */
import { describe } from "vitest";
import { memoryDb } from "./memory.js";
import { storeConformance } from "./store-cases.js";

describe("in-memory adapter", () => {
  const db = memoryDb();
  storeConformance(() => db);
});
