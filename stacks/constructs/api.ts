/**
 * The API: the HTTP API (created first, routes added once the JWT authorizer exists), one Lambda per
 * handler group with its own role (least privilege from GROUP_NEEDS; deletes and batch writes only
 * where the core does them, TABLE_DELETES) and log group, the webhook's reserved concurrency, one route per
 * row of the route table, the stage's throttling and JSON access logs, and the ledger's sweep.
 */
import { ArnFormat, Duration } from "aws-cdk-lib";
import { type CfnStage, HttpApi, HttpMethod, type HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import type { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction as LambdaTarget } from "aws-cdk-lib/aws-events-targets";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Bucket } from "aws-cdk-lib/aws-s3";
import { GROUP_NEEDS, GROUPS, type Group, type RouteDef, routes } from "@asso/functions";
import type { StackContext } from "./context.js";
import type { Secrets } from "./secrets.js";

/**
 * API Gateway throttling: the stage's default, and the public checkout routes' (POST, public
 * group). The checkout's own buckets (per address, and global: 20/s by default, giving/abuse.ts)
 * answer first, with problem+json and Retry-After; this is the backstop that keeps a flood from
 * reaching the function at all (API Gateway answers 429 itself).
 */
export const THROTTLE = {
  stage: { rateLimit: 50, burstLimit: 100 },
  publicCheckout: { rateLimit: 25, burstLimit: 50 },
} as const;
export const PUBLIC_CONCURRENCY = 10;

/** Reserved concurrency of the webhook function: Stripe's deliveries always find room, whatever the other functions do. */
export const WEBHOOK_CONCURRENCY = 10;

const TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"];
const TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem"];

/**
 * Deletes and batch writes, by partition key (IAM `dynamodb:LeadingKeys`), for the groups that do
 * them and nowhere else: no function may delete a ledger entry, a line or a receipt. What the core
 * deletes (a `Delete` in a transaction needs `DeleteItem` too) and batch-writes, found in its stores:
 * - the ledger sequencer's lease (`LEDGER`/`SEQUENCER`, released after each drain: ledger/store,
 *   `releaseLease`), by every group that posts entries;
 * - a bank lettrage undone (`BANKMATCH#…`, `BANKENTRY#…`: bank/store.ts `unmatchItems`);
 * - a statement's lines and records, written 25 a call (`BANKLINE#…`, `BANKSTMT#…`: bank/store.ts
 *   `saveLines`, `saveStatements` through `batchPut`).
 * test/stack-hardening.test.ts reads the core's sources and fails when a delete or a batch write
 * appears that this table does not cover.
 */
export const TABLE_DELETES = {
  lease: ["LEDGER"],
  bankMatches: ["BANKMATCH#*", "BANKENTRY#*"],
  bankImport: ["BANKLINE#*", "BANKSTMT#*"],
} as const;
/** Per group: the partitions it may DeleteItem and BatchWriteItem (none when absent). Groups with `leadingKeys` (public) never delete. */
export function tableDeletes(group: Group): { deleteItem: string[]; batchWrite: string[] } {
  const needs = GROUP_NEEDS[group];
  if (needs.table !== "readwrite" || needs.leadingKeys) return { deleteItem: [], batchWrite: [] };
  if (group === "bank") return { deleteItem: [...TABLE_DELETES.lease, ...TABLE_DELETES.bankMatches], batchWrite: [...TABLE_DELETES.bankImport] };
  return { deleteItem: [...TABLE_DELETES.lease], batchWrite: [] };
}

/** The JSON line API Gateway writes per request: who, what, how it went; no token, no body, no query string. */
export const ACCESS_LOG_FORMAT = {
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  sourceIp: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  method: "$context.httpMethod",
  routeKey: "$context.routeKey",
  path: "$context.path",
  status: "$context.status",
  latency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  responseLength: "$context.responseLength",
  subject: "$context.authorizer.claims.sub",
  authorizerError: "$context.authorizer.error",
  integrationError: "$context.integrationErrorMessage",
} as const;

/** The HTTP API without routes: the distribution needs its id before the authorizer (and so the routes) can exist. */
export const defineHttpApi = ({ scope, stage }: StackContext) =>
  new HttpApi(scope, "Api", { description: `Association back-office (${stage})`, createDefaultStage: true });

export interface FunctionInputs {
  bundleDir: string;
  table: Table;
  files: Bucket;
  secrets: Secrets;
  publicBaseUrl: string;
  /** Reserved concurrency of the public function; null: none. */
  publicConcurrency?: number | null;
  /** Reserved concurrency of the webhook function; null: none. */
  webhookConcurrency?: number | null;
  /** The groups that send mail, and what they are given (constructs/mail.ts `mailSenderGrant`). */
  mail?: { senders: readonly Group[]; informed?: readonly Group[]; actions: string[]; resources: string[]; environment: Record<string, string> };
  /** The association's settings, as environment variables (stacks/settings.ts `functionSettings`). */
  settings: Record<string, string>;
}

/** One function per handler group, each with its own role and log group. */
export function defineFunctions(ctx: StackContext, i: FunctionInputs): Map<Group, LambdaFunction> {
  const { scope, stack, stage, retain } = ctx;
  const { table, files, secrets } = i;
  const functions = new Map<Group, LambdaFunction>();
  for (const group of GROUPS) {
    const needs = GROUP_NEEDS[group];
    const logGroup = new LogGroup(scope, `Logs-${group}`, { retention: RetentionDays.THREE_MONTHS, removalPolicy: retain });
    const role = new Role(scope, `Role-${group}`, { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
    const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources, ...(conditions ? { conditions } : {}) }));
    allow(["logs:CreateLogStream", "logs:PutLogEvents"], [logGroup.logGroupArn]);
    if (needs.table !== "none") {
      const actions = needs.table === "readwrite" ? [...TABLE_READ, ...TABLE_WRITE] : TABLE_READ;
      if (needs.leadingKeys)
        // Only its own items (checkouts, rate buckets, public idempotency answers), no index: not the ledger.
        allow(actions, [table.tableArn], { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...needs.leadingKeys] } });
      else allow(actions, [table.tableArn, `${table.tableArn}/index/*`]);
      const { deleteItem, batchWrite } = tableDeletes(group);
      const only = (pks: string[]) => ({ "ForAllValues:StringLike": { "dynamodb:LeadingKeys": pks } });
      if (deleteItem.length) allow(["dynamodb:DeleteItem"], [table.tableArn], only(deleteItem));
      if (batchWrite.length) allow(["dynamodb:BatchWriteItem"], [table.tableArn], only(batchWrite));
    }
    const stripeSecret = needs.stripe ? secrets.stripe[needs.stripe] : undefined;
    const captchaSecret = group === "public" ? secrets.captcha : undefined;
    allow(
      ["secretsmanager:GetSecretValue"],
      [
        secrets.cursor.secretArn,
        secrets.origin.secretArn,
        ...(stripeSecret ? [stripeSecret.secretArn] : []),
        ...(captchaSecret ? [captchaSecret.secretArn] : []),
      ],
    );
    if (needs.files?.read?.length)
      allow(
        ["s3:GetObject"],
        needs.files.read.map((p) => files.arnForObjects(`${p}*`)),
      );
    if (needs.files?.write?.length)
      allow(
        ["s3:PutObject", "s3:AbortMultipartUpload"],
        needs.files.write.map((p) => files.arnForObjects(`${p}*`)),
      );
    const sendsMail = i.mail?.senders.includes(group) ? i.mail : undefined;
    // The settings' check "the e-mail sender is verified" reads MAIL_IDENTITY too (no permission to send).
    const informed = !sendsMail && (i.mail?.informed ?? []).includes(group) && i.mail?.environment.MAIL_IDENTITY;
    const mailEnv = sendsMail ? sendsMail.environment : informed ? { MAIL_IDENTITY: informed } : {};
    if (sendsMail) allow(sendsMail.actions, sendsMail.resources);
    // A physical name, so the function can name itself (a Ref to itself would be a cycle).
    const functionName = needs.selfInvoke ? `${stack.stackName.slice(0, 50)}-${group}` : undefined;
    if (functionName)
      allow(
        ["lambda:InvokeFunction"],
        [stack.formatArn({ service: "lambda", resource: "function", resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      );

    const fn = new LambdaFunction(scope, `Fn-${group}`, {
      ...(functionName ? { functionName } : {}),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      handler: "index.handler",
      code: Code.fromAsset(`${i.bundleDir}/${group}`),
      memorySize: needs.memoryMb,
      timeout: Duration.seconds(needs.timeoutSeconds ?? 29),
      role,
      logGroup,
      ...(group === "public" && i.publicConcurrency !== null ? { reservedConcurrentExecutions: i.publicConcurrency ?? PUBLIC_CONCURRENCY } : {}),
      ...(group === "webhooks" && i.webhookConcurrency !== null ? { reservedConcurrentExecutions: i.webhookConcurrency ?? WEBHOOK_CONCURRENCY } : {}),
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        STAGE: stage,
        CURSOR_SECRET_ARN: secrets.cursor.secretArn,
        ORIGIN_VERIFY_ARN: secrets.origin.secretArn,
        ...(needs.table !== "none" ? { TABLE_NAME: table.tableName } : {}),
        ...(stripeSecret ? { STRIPE_SECRET_ARN: stripeSecret.secretArn, PUBLIC_BASE_URL: i.publicBaseUrl } : {}),
        ...(needs.files ? { FILES_BUCKET: files.bucketName } : {}),
        ...(functionName ? { EXPORT_FUNCTION_NAME: functionName, LEDGER_EXPORT_FUNCTION: functionName } : {}),
        ...(captchaSecret ? { CAPTCHA_SECRET_ARN: captchaSecret.secretArn } : {}),
        ...mailEnv,
        ...i.settings,
      },
    });
    functions.set(group, fn);
  }

  // The ledger's safety net: drafts left by a poster that died are validated within minutes.
  new Rule(scope, "LedgerSweep", {
    description: "Validates ledger drafts left pending",
    schedule: Schedule.rate(Duration.minutes(5)),
    targets: [new LambdaTarget(functions.get("ledger")!)],
  });
  return functions;
}

/** One route per row of the route table (the JWT authorizer on staff rows), the stage's throttling and its access logs. */
export function defineRoutes(ctx: StackContext, api: HttpApi, functions: Map<Group, LambdaFunction>, authorizer: HttpJwtAuthorizer) {
  const { scope, retain } = ctx;
  const integrations = new Map<Group, HttpLambdaIntegration>();
  for (const [group, fn] of functions) integrations.set(group, new HttpLambdaIntegration(`Integration-${group}`, fn));
  const checkoutRoutes: HttpRoute[] = [];
  const checkoutKeys: string[] = [];
  for (const route of routes as readonly RouteDef[]) {
    const added = api.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: integrations.get(route.group)!,
      ...(route.auth === "public" ? {} : { authorizer }),
    });
    // The public checkout, and the donor space's POSTs (a link e-mailed, a portal session opened).
    if ((route.group === "public" || route.group === "donor") && route.method === "POST") {
      checkoutRoutes.push(...added);
      checkoutKeys.push(`${route.method} ${route.path}`);
    }
  }
  const accessLogs = new LogGroup(scope, "ApiAccessLogs", { retention: RetentionDays.ONE_YEAR, removalPolicy: retain });
  const apiStage = api.defaultStage!.node.defaultChild as CfnStage;
  apiStage.accessLogSettings = { destinationArn: accessLogs.logGroupArn, format: JSON.stringify(ACCESS_LOG_FORMAT) };
  apiStage.defaultRouteSettings = { throttlingRateLimit: THROTTLE.stage.rateLimit, throttlingBurstLimit: THROTTLE.stage.burstLimit };
  apiStage.routeSettings = Object.fromEntries(
    checkoutKeys.map((k) => [k, { ThrottlingRateLimit: THROTTLE.publicCheckout.rateLimit, ThrottlingBurstLimit: THROTTLE.publicCheckout.burstLimit }]),
  );
  // Route settings name routes that must exist before the stage is updated.
  for (const r of checkoutRoutes) api.defaultStage!.node.addDependency(r);
  return { accessLogs };
}
