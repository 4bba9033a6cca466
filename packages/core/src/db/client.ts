/**
 * The storage port and its DynamoDB adapter. A `Db` is what every domain store writes through
 * (with the helpers of `store.ts`): something that answers the document client's commands (Get,
 * Put, Update, Delete, Query, Scan, BatchGet, BatchWrite, TransactWrite) on one table shaped as
 * `table.ts` says. Two adapters implement it: `makeDb` (DynamoDB; `DYNAMODB_ENDPOINT` points it at
 * DynamoDB Local, in AWS it is unset and the SDK uses the Lambda's role and region) and `memoryDb`
 * (`memory.ts`, one table in this process, for unit tests without Java).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** What an adapter answers: the document client's `send`, with its errors (ConditionalCheckFailedException, TransactionCanceledException, …). */
export interface DocumentPort {
  send: DynamoDBDocumentClient["send"];
  /** Closes the adapter's connections (a script's last step). */
  destroy(): void;
}

/** The storage port: a document client on one table. */
export interface Db {
  doc: DocumentPort;
  tableName: string;
}

let cached: Db | undefined;

export function makeDb(tableName: string, endpoint?: string): Db {
  const client = new DynamoDBClient(
    endpoint ? { endpoint, region: "eu-west-3", credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 6 } : { maxAttempts: 6 },
  );
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { doc, tableName };
}

/** The process-wide client built from `TABLE_NAME` and `DYNAMODB_ENDPOINT`. */
export function dbFromEnv(env: Record<string, string | undefined> = process.env): Db {
  if (cached && cached.tableName === env.TABLE_NAME) return cached;
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error("TABLE_NAME is not set");
  cached = makeDb(tableName, env.DYNAMODB_ENDPOINT);
  return cached;
}
