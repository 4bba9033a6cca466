/**
 * The DynamoDB adapter's client. `DYNAMODB_ENDPOINT` points it at DynamoDB Local; in AWS it is
 * unset and the SDK uses the Lambda's role and region.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface Db {
  doc: DynamoDBDocumentClient;
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
