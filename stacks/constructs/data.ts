/**
 * Data: the one table (from the one table definition, with point-in-time recovery over the
 * longest window DynamoDB keeps, 35 days — restore procedure in docs/deploy.md "Restore" — and
 * deletion protection outside dev) and the files bucket (invoices, frozen receipts, large exports).
 */
import { Duration } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table } from "aws-cdk-lib/aws-dynamodb";
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from "aws-cdk-lib/aws-s3";
import { tableDefinition } from "@asso/core";
import { slug, type StackContext } from "./context.js";

/** Point-in-time recovery window (DynamoDB's maximum). */
export const PITR_DAYS = 35;

const attr = (a: { name: string; type: "S" | "N" }) => ({ name: a.name, type: a.type === "S" ? AttributeType.STRING : AttributeType.NUMBER });

export function defineTable({ scope, dev, retain }: StackContext): Table {
  const table = new Table(scope, "Table", {
    partitionKey: attr(tableDefinition.partitionKey),
    sortKey: attr(tableDefinition.sortKey),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: PITR_DAYS },
    timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
    deletionProtection: !dev,
    removalPolicy: retain,
  });
  for (const ix of tableDefinition.globalSecondaryIndexes)
    table.addGlobalSecondaryIndex({ indexName: ix.indexName, partitionKey: attr(ix.partitionKey), sortKey: attr(ix.sortKey) });
  return table;
}

/**
 * The files bucket's name, from the stack name and account, so the console's CSP can name it
 * without the distribution depending on the bucket (whose CORS depends on the distribution).
 */
export const filesBucketNameOf = ({ stack }: StackContext) => `${slug(stack.stackName, 40)}-files-${stack.account}`;

/** Invoices, frozen receipts, large exports; CORS for the console's presigned uploads from `consoleOrigin`. */
export function defineFilesBucket(ctx: StackContext, consoleOrigin: string): Bucket {
  return new Bucket(ctx.scope, "Files", {
    bucketName: filesBucketNameOf(ctx),
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    cors: [
      {
        allowedOrigins: [consoleOrigin],
        allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
        allowedHeaders: ["content-type", "x-amz-*"],
        exposedHeaders: ["ETag"],
        maxAge: 3000,
      },
    ],
    lifecycleRules: [
      { id: "exports-expire", prefix: "exports/", expiration: Duration.days(7), noncurrentVersionExpiration: Duration.days(1) },
      // Invoices uploaded through a presigned link but never confirmed (never booked).
      { id: "unconfirmed-invoices-expire", prefix: "invoices/uploads/", expiration: Duration.days(2), noncurrentVersionExpiration: Duration.days(1) },
      // A receipt's PDF is frozen: an older version only exists if the file was lost or altered and
      // rewritten from the frozen fields; kept 30 days to look into it, then gone (docs/privacy.md).
      { id: "receipts-old-versions-expire", prefix: "receipts/", noncurrentVersionExpiration: Duration.days(30) },
      { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: ctx.retain,
  });
}
