/**
 * The production stack, in aws-cdk-lib: the table (from the one table definition), a Cognito user
 * pool with the staff groups, one Lambda per handler group, the HTTP API with one route per row of
 * the route table and the JWT authorizer on every staff route, the Stripe keys in Secrets Manager,
 * least-privilege IAM, log retention and alarms. SST (sst.config.ts) and `npm run synth` both call
 * `defineBackOffice`, so what is tested is what is deployed.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { HttpApi, HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction as LambdaTarget } from "aws-cdk-lib/aws-events-targets";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { CfnUserPoolGroup, UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import { AttributeType, BillingMode, Table } from "aws-cdk-lib/aws-dynamodb";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CfFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  OriginRequestPolicy,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { BlockPublicAccess, Bucket } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, CacheControl, Source } from "aws-cdk-lib/aws-s3-deployment";
import type { Construct } from "constructs";
import { tableDefinition } from "@asso/core";
import { GROUP_NEEDS, GROUPS, ROLES, routes, type Group, type RouteDef } from "@asso/functions";

export interface BackOfficeProps {
  stage: string;
  /** Folder holding `<group>/index.mjs` bundles (stacks/bundle.ts). */
  bundleDir: string;
  /** Association settings passed to every function (keys of SETTINGS). */
  settings?: Partial<Record<(typeof SETTINGS)[number], string>>;
  /** The public page's folder (web/). */
  webDir: string;
  /** Where Stripe sends donors back (a custom domain); by default the page's own origin. */
  publicBaseUrl?: string;
  /** Where alarms are sent by email, if anywhere. */
  alarmEmail?: string;
}

/** The association's settings a deploy may set (read from the environment by sst.config.ts). */
export const SETTINGS = [
  "ASSO_NAME",
  "ASSO_SIREN",
  "ASSO_ADDRESS",
  "ASSO_OBJECT",
  "ASSO_CATEGORY",
  "ASSO_SIGNATORY",
  "RECEIPTS_ENABLED",
  "MEMBERSHIP_TIERS",
  "TAX_REDUCTION_PERCENT",
] as const;

const TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"];
const TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

/** Development stages may be torn down; every other stage keeps its data. */
export const isDevStage = (stage: string) => stage === "dev" || stage.startsWith("dev-") || stage === "local";

const attr = (a: { name: string; type: "S" | "N" }) => ({ name: a.name, type: a.type === "S" ? AttributeType.STRING : AttributeType.NUMBER });

export function defineBackOffice(scope: Construct, props: BackOfficeProps) {
  const { stage } = props;
  const dev = isDevStage(stage);
  const stack = Stack.of(scope);

  const table = new Table(scope, "Table", {
    partitionKey: attr(tableDefinition.partitionKey),
    sortKey: attr(tableDefinition.sortKey),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: !dev,
    removalPolicy: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  for (const ix of tableDefinition.globalSecondaryIndexes)
    table.addGlobalSecondaryIndex({ indexName: ix.indexName, partitionKey: attr(ix.partitionKey), sortKey: attr(ix.sortKey) });

  const userPool = new UserPool(scope, "Staff", {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    removalPolicy: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  for (const role of ROLES) new CfnUserPoolGroup(scope, `Group-${role}`, { userPoolId: userPool.userPoolId, groupName: role });
  const client = new UserPoolClient(scope, "StaffClient", { userPool, authFlows: { userSrp: true }, generateSecret: false });

  const stripeSecret = new Secret(scope, "StripeKeys", {
    description: "Stripe secret key and webhook signing secret: {\"secretKey\":\"sk_…\",\"webhookSecret\":\"whsec_…\"}",
    removalPolicy: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });

  const alarms = new Topic(scope, "Alarms");
  if (props.alarmEmail) alarms.addSubscription(new EmailSubscription(props.alarmEmail));

  const functions = new Map<Group, LambdaFunction>();
  for (const group of GROUPS) {
    const needs = GROUP_NEEDS[group];
    const logGroup = new LogGroup(scope, `Logs-${group}`, {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const role = new Role(scope, `Role-${group}`, { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
    role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroup.logGroupArn] }));
    if (needs.table !== "none")
      role.addToPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: needs.table === "readwrite" ? [...TABLE_READ, ...TABLE_WRITE] : TABLE_READ,
          resources: [table.tableArn, `${table.tableArn}/index/*`],
        }),
      );
    if (needs.stripe)
      role.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ["secretsmanager:GetSecretValue"], resources: [stripeSecret.secretArn] }));

    const fn = new LambdaFunction(scope, `Fn-${group}`, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      handler: "index.handler",
      code: Code.fromAsset(`${props.bundleDir}/${group}`),
      memorySize: needs.memoryMb,
      timeout: Duration.seconds(29),
      role,
      logGroup,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        STAGE: stage,
        ...(needs.table !== "none" ? { TABLE_NAME: table.tableName } : {}),
        ...(needs.stripe ? { STRIPE_SECRET_ARN: stripeSecret.secretArn } : {}),
        ...(needs.stripe && props.publicBaseUrl ? { PUBLIC_BASE_URL: props.publicBaseUrl } : {}),
        ...Object.fromEntries(Object.entries(props.settings ?? {}).filter(([, v]) => v !== undefined && v !== "")),
      },
    });
    functions.set(group, fn);
    new Alarm(scope, `Errors-${group}`, {
      alarmDescription: `${group} Lambda errors (stage ${stage})`,
      metric: fn.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(alarms));
  }

  // The ledger's safety net: drafts left by a poster that died are validated within minutes.
  new Rule(scope, "LedgerSweep", {
    description: "Validates ledger drafts left pending",
    schedule: Schedule.rate(Duration.minutes(5)),
    targets: [new LambdaTarget(functions.get("ledger")!)],
  });

  const api = new HttpApi(scope, "Api", { description: `Association back-office (${stage})`, createDefaultStage: true });
  const authorizer = new HttpJwtAuthorizer("StaffJwt", `https://cognito-idp.${stack.region}.amazonaws.com/${userPool.userPoolId}`, {
    jwtAudience: [client.userPoolClientId],
    identitySource: ["$request.header.Authorization"],
  });
  const integrations = new Map<Group, HttpLambdaIntegration>();
  for (const [group, fn] of functions) integrations.set(group, new HttpLambdaIntegration(`Integration-${group}`, fn));
  for (const route of routes as readonly RouteDef[]) {
    api.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: integrations.get(route.group)!,
      ...(route.auth === "public" ? {} : { authorizer }),
    });
  }

  new Alarm(scope, "Api5xx", {
    alarmDescription: `HTTP API 5xx answers (stage ${stage})`,
    metric: new Metric({ namespace: "AWS/ApiGateway", metricName: "5xx", dimensionsMap: { ApiId: api.apiId }, statistic: "Sum", period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(new SnsAction(alarms));

  // The public giving page: a private bucket behind CloudFront, which also forwards /v1/* to the
  // API, so the page calls the API on its own origin (as the local gateway serves both).
  const site = new Bucket(scope, "Site", {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: false,
  });
  const extensionless = new CfFunction(scope, "PrettyUrls", {
    code: FunctionCode.fromInline("function handler(event) { var r = event.request; if (r.uri !== '/' && r.uri.indexOf('.') < 0) r.uri += '.html'; return r; }"),
    runtime: FunctionRuntime.JS_2_0,
  });
  const distribution = new Distribution(scope, "Cdn", {
    defaultRootObject: "index.html",
    defaultBehavior: {
      origin: S3BucketOrigin.withOriginAccessControl(site),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      functionAssociations: [{ function: extensionless, eventType: FunctionEventType.VIEWER_REQUEST }],
    },
    additionalBehaviors: {
      "/v1/*": {
        origin: new HttpOrigin(`${api.apiId}.execute-api.${stack.region}.amazonaws.com`),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    },
  });
  // Short cache lifetimes instead of an invalidation: CDK grants invalidations on every distribution ("*").
  new BucketDeployment(scope, "SiteFiles", {
    sources: [Source.asset(props.webDir)],
    destinationBucket: site,
    cacheControl: [CacheControl.maxAge(Duration.minutes(5))],
  });

  new CfnOutput(scope, "SiteUrl", { value: `https://${distribution.distributionDomainName}` });
  new CfnOutput(scope, "ApiUrl", { value: api.apiEndpoint });
  new CfnOutput(scope, "UserPoolId", { value: userPool.userPoolId });
  new CfnOutput(scope, "UserPoolClientId", { value: client.userPoolClientId });
  new CfnOutput(scope, "TableName", { value: table.tableName });
  new CfnOutput(scope, "StripeSecretArn", { value: stripeSecret.secretArn });

  return { table, api, userPool, client, functions, stripeSecret, alarms, site, distribution };
}
