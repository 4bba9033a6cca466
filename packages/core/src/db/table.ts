/**
 * The one definition of the single DynamoDB table: read by the CDK stack (stacks/) and by the
 * local table creation (infra/ and the tests), so the two cannot drift.
 */
export interface KeyAttribute {
  name: string;
  type: "S" | "N";
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export interface TableDefinition {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: IndexDefinition[];
  /** DynamoDB TTL: an item whose attribute holds an epoch time in SECONDS in the past is deleted (within a day or two). */
  timeToLiveAttribute: string;
}

export const tableDefinition: TableDefinition = {
  partitionKey: { name: "pk", type: "S" },
  sortKey: { name: "sk", type: "S" },
  globalSecondaryIndexes: [
    // Ledger: entries waiting for validation (sparse), then the validated chain in order.
    { indexName: "gsi1", partitionKey: { name: "gsi1pk", type: "S" }, sortKey: { name: "gsi1sk", type: "S" } },
    // Ledger: entries of a fiscal year in journal/number order (FEC, listings).
    { indexName: "gsi2", partitionKey: { name: "gsi2pk", type: "S" }, sortKey: { name: "gsi2sk", type: "S" } },
  ],
  // Abandoned checkouts' personal data, public idempotency answers, rate buckets, export jobs.
  timeToLiveAttribute: "ttl",
};

/** The CreateTable input for DynamoDB (local or tests); on-demand billing like the stack. */
export function createTableInput(tableName: string) {
  const attributes = new Map<string, KeyAttribute>();
  for (const k of [tableDefinition.partitionKey, tableDefinition.sortKey]) attributes.set(k.name, k);
  for (const ix of tableDefinition.globalSecondaryIndexes) {
    attributes.set(ix.partitionKey.name, ix.partitionKey);
    attributes.set(ix.sortKey.name, ix.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: [...attributes.values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: tableDefinition.partitionKey.name, KeyType: "HASH" as const },
      { AttributeName: tableDefinition.sortKey.name, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((ix) => ({
      IndexName: ix.indexName,
      KeySchema: [
        { AttributeName: ix.partitionKey.name, KeyType: "HASH" as const },
        { AttributeName: ix.sortKey.name, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
  };
}
