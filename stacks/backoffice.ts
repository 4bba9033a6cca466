/**
 * The production stack, in aws-cdk-lib: the table (from the one table definition), a Cognito user
 * pool for the staff (TOTP MFA required, hosted UI, a PKCE client for the console), one Lambda per
 * handler group, the HTTP API with one route per row of the route table and the JWT authorizer on
 * every staff route, throttled and access-logged, the Stripe keys (one restricted key per use) and
 * the edge secrets in Secrets Manager, least-privilege IAM, the files bucket, log retention and
 * alarms, and CloudFront in front of everything (giving page, console, API) with security headers.
 * SST (sst.config.ts) and `npm run synth` both call `defineBackOffice`, so what is tested is what
 * is deployed.
 *
 * Dependencies run one way, so CloudFormation has no cycle: API (no routes yet) → distribution →
 * user pool client (callback URLs on the distribution's domain) → JWT authorizer → routes. What
 * the distribution itself needs to know (the files bucket, the hosted UI domain) has a name
 * computed from the stack name and account, not read from the resources.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { type CfnStage, HttpApi, HttpMethod, type HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction as LambdaTarget } from "aws-cdk-lib/aws-events-targets";
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { AccountRecovery, CfnUserPoolGroup, Mfa, OAuthScope, UserPool, UserPoolClient, UserPoolClientIdentityProvider } from "aws-cdk-lib/aws-cognito";
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
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, CacheControl, Source, type ISource } from "aws-cdk-lib/aws-s3-deployment";
import type { Construct } from "constructs";
import { existsSync } from "node:fs";
import { tableDefinition } from "@asso/core";
import { loadReceiptSettings } from "@asso/core/receipts/settings";
import { GROUP_NEEDS, GROUPS, ROLES, routes, type Group, type RouteDef } from "@asso/functions";
import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS, ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER, type HeaderKind } from "@asso/functions/headers";

export interface BackOfficeProps {
  stage: string;
  /** Folder holding `<group>/index.mjs` bundles (stacks/bundle.ts). */
  bundleDir: string;
  /** Association settings passed to every function (keys of SETTINGS). */
  settings?: Partial<Record<(typeof SETTINGS)[number], string>>;
  /** The public page's folder (web/; its `console/` sources are not uploaded). */
  webDir: string;
  /** The built staff console (`web/console/dist`, stacks/bundle.ts `buildConsole`); served at /console/ when given. */
  consoleDir?: string;
  /** Where Stripe sends donors back (a custom domain); by default the CloudFront address. */
  publicBaseUrl?: string;
  /** The console's origin when the distribution has a custom domain (CONSOLE_URL); by default the CloudFront address. */
  consoleUrl?: string;
  /** The hosted UI's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); by default from the stack name and account. */
  authDomainPrefix?: string;
  /** Reserved concurrency of the public function (caps it, so a burst cannot starve the webhook); null: none. */
  publicConcurrency?: number | null;
  /** Where alarms are sent by email, if anywhere (the SNS topic exists either way). */
  alarmEmail?: string;
}

/** The association's settings a deploy may set (read from the environment by sst.config.ts). */
export const SETTINGS = [
  "ASSO_NAME",
  "ASSO_SIREN",
  "ASSO_RNA",
  "ASSO_ADDRESS",
  "ASSO_OBJECT",
  "ASSO_CATEGORY",
  "ASSO_SIGNATORY",
  "ASSO_SIGNATORY_NAME",
  "ASSO_SIGNATORY_QUALITY",
  "RECEIPT_ARTICLES",
  "ASSO_ART978_ORGANISM",
  "RECEIPTS_ENABLED",
  "MEMBERSHIP_TIERS",
  "TAX_REDUCTION_PERCENT",
  "FISCAL_YEAR_START_MONTH",
  "BANK_ACCOUNTS",
  "CHECKOUT_IP_PER_MINUTE",
  "CHECKOUT_IP_BURST",
  "CHECKOUT_GLOBAL_PER_SECOND",
  "CHECKOUT_GLOBAL_BURST",
  "CAPTCHA_VERIFY_URL",
] as const;
type Settings = NonNullable<BackOfficeProps["settings"]>;

/**
 * API Gateway throttling: the stage's default, and the public checkout routes' (POST, public
 * group). The checkout's own buckets (per address, and global: 20/s by default, payments/abuse.ts)
 * answer first, with problem+json and Retry-After; this is the backstop that keeps a flood from
 * reaching the function at all (API Gateway answers 429 itself).
 */
export const THROTTLE = {
  stage: { rateLimit: 50, burstLimit: 100 },
  publicCheckout: { rateLimit: 25, burstLimit: 50 },
} as const;
export const PUBLIC_CONCURRENCY = 10;

/** Staff tokens: short-lived access and id tokens, refreshed for a working day. */
export const TOKEN_LIFETIME = { accessMinutes: 15, idMinutes: 15, refreshHours: 12 } as const;

const TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"];
const TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

/** Development stages may be torn down; every other stage keeps its data. */
export const isDevStage = (stage: string) => stage === "dev" || stage.startsWith("dev-") || stage === "local";

/**
 * The identity a tax receipt prints has no demonstration value outside dev: what is missing or
 * wrong in the settings for `stage`, each named (nothing in a dev stage). The rules are the
 * receipts' own (packages/core/src/receipts/settings.ts), so synth and run time cannot disagree.
 */
export function identityProblems(stage: string, settings: Settings = {}): string[] {
  if (isDevStage(stage)) return [];
  const r = loadReceiptSettings({ ...settings, STAGE: stage });
  return [...r.missing, ...r.invalid.map((i) => `${i.setting} (${i.message})`)];
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

const attr = (a: { name: string; type: "S" | "N" }) => ({ name: a.name, type: a.type === "S" ? AttributeType.STRING : AttributeType.NUMBER });

/** A lower-case name part from the stack name, at most `max` characters (bucket and domain names). */
const slug = (name: string, max: number) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/aws|amazon|cognito/g, "x")
    .replace(/^-+|-+$/g, "")
    .slice(0, max)
    .replace(/-+$/, "");

const originOf = (url: string) => new URL(url).origin;

export function defineBackOffice(scope: Construct, props: BackOfficeProps) {
  const { stage } = props;
  const dev = isDevStage(stage);
  const stack = Stack.of(scope);
  const retain = dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

  const problems = identityProblems(stage, props.settings);
  if (problems.length)
    throw new Error(
      `Stage "${stage}" cannot be synthesized without the association's identity (printed on tax receipts and in the FEC, no demonstration value outside dev): set ${problems.join(", ")}.`,
    );

  // ------------------------------------------------------------------ data
  const table = new Table(scope, "Table", {
    partitionKey: attr(tableDefinition.partitionKey),
    sortKey: attr(tableDefinition.sortKey),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
    deletionProtection: !dev,
    removalPolicy: retain,
  });
  for (const ix of tableDefinition.globalSecondaryIndexes)
    table.addGlobalSecondaryIndex({ indexName: ix.indexName, partitionKey: attr(ix.partitionKey), sortKey: attr(ix.sortKey) });

  // Invoices, frozen receipts, large exports. Named from the stack so the console's CSP can name it
  // without the distribution depending on the bucket (whose CORS depends on the distribution).
  const filesBucketName = `${slug(stack.stackName, 40)}-files-${stack.account}`;
  const region = stack.region;

  // ------------------------------------------------------------------ secrets
  const stripeSecrets = {
    checkout: new Secret(scope, "StripeCheckoutKey", {
      description: 'Stripe restricted key for the public checkout (Checkout Sessions: write; nothing else): {"secretKey":"rk_live_…"}',
      removalPolicy: retain,
    }),
    read: new Secret(scope, "StripeReadKeys", {
      description: 'Stripe restricted read key (webhook, payout matching) and the webhook signing secret: {"secretKey":"rk_live_…","webhookSecret":"whsec_…"}',
      removalPolicy: retain,
    }),
  };
  const cursorSecret = new Secret(scope, "CursorKey", {
    description: "HMAC key of the pagination cursors (generated)",
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    removalPolicy: retain,
  });
  const originSecret = new Secret(scope, "OriginVerify", {
    description: "The header value CloudFront adds to what it forwards to the API; the functions refuse requests without it (generated)",
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy: retain,
  });

  // With a CAPTCHA (CAPTCHA_VERIFY_URL), its secret key: put the provider's secret in it after the first deploy.
  const captchaSecret = props.settings?.CAPTCHA_VERIFY_URL
    ? new Secret(scope, "CaptchaSecret", {
        description: "The CAPTCHA provider's secret key (public checkout); replace the generated value",
        removalPolicy: retain,
      })
    : undefined;

  const alarms = new Topic(scope, "Alarms", { displayName: `Association back-office alarms (${stage})` });
  if (props.alarmEmail) alarms.addSubscription(new EmailSubscription(props.alarmEmail));

  // ------------------------------------------------------------------ staff sign-in
  const userPool = new UserPool(scope, "Staff", {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    signInCaseSensitive: false,
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: false,
      tempPasswordValidity: Duration.days(3),
    },
    removalPolicy: retain,
  });
  for (const role of ROLES) new CfnUserPoolGroup(scope, `Group-${role}`, { userPoolId: userPool.userPoolId, groupName: role });
  const authDomainPrefix = props.authDomainPrefix ?? `${slug(stack.stackName, 36)}-${stack.account}`;
  const _authDomain = userPool.addDomain("HostedUi", { cognitoDomain: { domainPrefix: authDomainPrefix } });
  const authHost = `${authDomainPrefix}.auth.${region}.amazoncognito.com`;

  // ------------------------------------------------------------------ API (routes come after the client)
  const api = new HttpApi(scope, "Api", { description: `Association back-office (${stage})`, createDefaultStage: true });

  // ------------------------------------------------------------------ CloudFront: page, console, API
  const site = new Bucket(scope, "Site", {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: false,
  });
  const headersPolicy = (kind: HeaderKind, connect: string[] = []) =>
    new ResponseHeadersPolicy(scope, `Headers-${kind}`, {
      comment: `Security headers: ${kind} (packages/functions/src/headers.ts)`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(kind, { connect }), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentTypeOptions: { override: true },
      },
    });
  const pageHeaders = headersPolicy("page");
  const apiHeaders = headersPolicy("api");
  const consoleHeaders = headersPolicy("console", [`https://${authHost}`, `https://${filesBucketName}.s3.${region}.amazonaws.com`]);

  const siteOrigin = S3BucketOrigin.withOriginAccessControl(site);
  const prettyUrls = new CfFunction(scope, "PrettyUrls", {
    code: FunctionCode.fromInline(
      "function handler(event) { var r = event.request; if (r.uri === '/console') return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/console/' } } }; if (r.uri !== '/' && r.uri.indexOf('.') < 0) r.uri += '.html'; return r; }",
    ),
    runtime: FunctionRuntime.JS_2_0,
  });
  // The console is a single-page app: any path without a file extension is its index.html.
  const consoleFallback = new CfFunction(scope, "ConsoleFallback", {
    code: FunctionCode.fromInline(
      "function handler(event) { var r = event.request; var u = r.uri; if (u.lastIndexOf('.') < u.lastIndexOf('/') + 1) r.uri = '/console/index.html'; return r; }",
    ),
    runtime: FunctionRuntime.JS_2_0,
  });
  // API Gateway sees CloudFront's address, not the donor's: CloudFront tells the API who called
  // (replacing any such header the client sent), for the per-address rate limits (http.ts clientIp).
  const viewerIp = new CfFunction(scope, "ViewerIp", {
    code: FunctionCode.fromInline(
      `function handler(event) { var r = event.request; r.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip }; return r; }`,
    ),
    runtime: FunctionRuntime.JS_2_0,
  });
  const distribution = new Distribution(scope, "Cdn", {
    defaultRootObject: "index.html",
    defaultBehavior: {
      origin: siteOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      responseHeadersPolicy: pageHeaders,
      functionAssociations: [{ function: prettyUrls, eventType: FunctionEventType.VIEWER_REQUEST }],
    },
    additionalBehaviors: {
      "/v1/*": {
        // The execute-api address stays reachable (a custom domain would be needed to turn it off),
        // but every function refuses what does not carry CloudFront's secret header.
        origin: new HttpOrigin(`${api.apiId}.execute-api.${region}.amazonaws.com`, {
          customHeaders: { [ORIGIN_VERIFY_HEADER]: originSecret.secretValue.unsafeUnwrap() },
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: apiHeaders,
        functionAssociations: [{ function: viewerIp, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      "/console/*": {
        origin: siteOrigin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: consoleHeaders,
        functionAssociations: [{ function: consoleFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    },
  });
  const siteUrl = `https://${distribution.distributionDomainName}`;
  const consoleOrigin = props.consoleUrl ? originOf(props.consoleUrl) : siteUrl;
  const publicBaseUrl = props.publicBaseUrl ?? siteUrl;

  // ------------------------------------------------------------------ the console's client and the authorizer
  const client = new UserPoolClient(scope, "StaffClient", {
    userPool,
    generateSecret: false,
    authFlows: { userSrp: true },
    oAuth: {
      flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
      scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
      callbackUrls: [`${consoleOrigin}/console/`],
      logoutUrls: [`${consoleOrigin}/console/`],
    },
    supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    accessTokenValidity: Duration.minutes(TOKEN_LIFETIME.accessMinutes),
    idTokenValidity: Duration.minutes(TOKEN_LIFETIME.idMinutes),
    refreshTokenValidity: Duration.hours(TOKEN_LIFETIME.refreshHours),
  });
  const authorizer = new HttpJwtAuthorizer("StaffJwt", `https://cognito-idp.${region}.amazonaws.com/${userPool.userPoolId}`, {
    jwtAudience: [client.userPoolClientId],
    identitySource: ["$request.header.Authorization"],
  });

  // ------------------------------------------------------------------ files
  const files = new Bucket(scope, "Files", {
    bucketName: filesBucketName,
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
      { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    removalPolicy: retain,
  });

  // ------------------------------------------------------------------ functions
  const functions = new Map<Group, LambdaFunction>();
  const settings = Object.fromEntries(Object.entries(props.settings ?? {}).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string>;
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
    }
    const stripeSecret = needs.stripe ? stripeSecrets[needs.stripe] : undefined;
    allow(
      ["secretsmanager:GetSecretValue"],
      [
        cursorSecret.secretArn,
        originSecret.secretArn,
        ...(stripeSecret ? [stripeSecret.secretArn] : []),
        ...(captchaSecret && group === "public" ? [captchaSecret.secretArn] : []),
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
      code: Code.fromAsset(`${props.bundleDir}/${group}`),
      memorySize: needs.memoryMb,
      timeout: Duration.seconds(needs.timeoutSeconds ?? 29),
      role,
      logGroup,
      ...(group === "public" && props.publicConcurrency !== null ? { reservedConcurrentExecutions: props.publicConcurrency ?? PUBLIC_CONCURRENCY } : {}),
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        STAGE: stage,
        CURSOR_SECRET_ARN: cursorSecret.secretArn,
        ORIGIN_VERIFY_ARN: originSecret.secretArn,
        ...(needs.table !== "none" ? { TABLE_NAME: table.tableName } : {}),
        ...(stripeSecret ? { STRIPE_SECRET_ARN: stripeSecret.secretArn, PUBLIC_BASE_URL: publicBaseUrl } : {}),
        ...(needs.files ? { FILES_BUCKET: files.bucketName } : {}),
        ...(functionName ? { EXPORT_FUNCTION_NAME: functionName, LEDGER_EXPORT_FUNCTION: functionName } : {}),
        ...(captchaSecret && group === "public" ? { CAPTCHA_SECRET_ARN: captchaSecret.secretArn } : {}),
        ...settings,
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

  // ------------------------------------------------------------------ routes, throttling, access logs
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
    if (route.group === "public" && route.method === "POST") {
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

  new Alarm(scope, "Api5xx", {
    alarmDescription: `HTTP API 5xx answers (stage ${stage})`,
    metric: new Metric({ namespace: "AWS/ApiGateway", metricName: "5xx", dimensionsMap: { ApiId: api.apiId }, statistic: "Sum", period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(new SnsAction(alarms));

  // ------------------------------------------------------------------ site files
  // One deployment for the whole bucket (two would prune each other's files): the page, and the
  // console with the config.json it reads (client id, hosted UI) written at deploy time.
  const sources: ISource[] = [Source.asset(props.webDir, { exclude: ["console", "console/**"] })];
  if (props.consoleDir && existsSync(props.consoleDir)) {
    sources.push(Source.asset(props.consoleDir));
  }
  sources.push(
    // The shape web/console/src/auth.ts reads (ConsoleConfig, `auth: "cognito"`).
    Source.jsonData("console/config.json", {
      auth: "cognito",
      domain: `https://${authHost}`,
      clientId: client.userPoolClientId,
      redirectUri: `${consoleOrigin}/console/`,
      logoutUri: `${consoleOrigin}/console/`,
      scopes: ["openid", "email", "profile"],
      stage,
      region,
      userPoolId: userPool.userPoolId,
    }),
  );
  // Short cache lifetimes instead of an invalidation: CDK grants invalidations on every distribution ("*").
  new BucketDeployment(scope, "SiteFiles", {
    sources,
    destinationBucket: site,
    cacheControl: [CacheControl.maxAge(Duration.minutes(5))],
  });

  new CfnOutput(scope, "SiteUrl", { value: siteUrl });
  new CfnOutput(scope, "ConsoleUrl", { value: `${consoleOrigin}/console/` });
  new CfnOutput(scope, "ApiUrl", { value: `${siteUrl}/v1`, description: "The API through CloudFront (the execute-api address refuses direct calls)" });
  new CfnOutput(scope, "UserPoolId", { value: userPool.userPoolId });
  new CfnOutput(scope, "UserPoolClientId", { value: client.userPoolClientId });
  new CfnOutput(scope, "AuthDomain", { value: `https://${authHost}` });
  new CfnOutput(scope, "TableName", { value: table.tableName });
  new CfnOutput(scope, "FilesBucket", { value: files.bucketName });
  new CfnOutput(scope, "StripeCheckoutSecretArn", { value: stripeSecrets.checkout.secretArn });
  new CfnOutput(scope, "StripeReadSecretArn", { value: stripeSecrets.read.secretArn });
  if (captchaSecret) new CfnOutput(scope, "CaptchaSecretArn", { value: captchaSecret.secretArn });
  new CfnOutput(scope, "AlarmTopicArn", {
    value: alarms.topicArn,
    description: "Alarms are published here; subscribe to it (ALARM_EMAIL adds an e-mail subscription)",
  });

  return { table, api, userPool, client, functions, stripeSecrets, cursorSecret, originSecret, alarms, site, files, distribution, accessLogs };
}
