/**
 * The production stack, in aws-cdk-lib: the table (from the one table definition), a Cognito user
 * pool for the staff (TOTP MFA required, hosted UI, a PKCE client for the console), one Lambda per
 * handler group, the HTTP API with one route per row of the route table and the JWT authorizer on
 * every staff route, throttled and access-logged, the Stripe keys (one restricted key per use) and
 * the edge secrets in Secrets Manager, least-privilege IAM, the files bucket, log retention and
 * alarms, CloudFront in front of everything (giving page, console, API) with security headers,
 * access logs and, given its ARN, the edge firewall's web ACL (a us-east-1 stack:
 * constructs/firewall.ts), the SES identity and configuration set, and the scheduled runs
 * (constructs/schedules.ts: the renewal reminders daily, the January recaps).
 * SST (sst.config.ts) and `npm run synth` both call `defineBackOffice`, so what is tested is what
 * is deployed.
 *
 * Each part lives in stacks/constructs/ (see constructs/context.ts for why they create their
 * resources in the stack's own scope); this function only wires them together, in the order the
 * dependencies allow, so CloudFormation has no cycle: API (no routes yet) → distribution → user
 * pool client (callback URLs on the distribution's domain) → JWT authorizer → routes. What the
 * distribution itself needs to know (the files bucket, the hosted UI domain) has a name computed
 * from the stack name and account, not read from the resources.
 */
import { CfnOutput } from "aws-cdk-lib";
import type { Construct } from "constructs";
import type { Group } from "@asso/functions";
import { loadReceiptSettings } from "@asso/core/receipts";
import { defineAlarms, defineAlarmTopic } from "./constructs/alarms.js";
import { defineFunctions, defineHttpApi, defineRoutes } from "./constructs/api.js";
import { defineConsoleClient, defineStaffPool } from "./constructs/auth.js";
import { contextOf, isDevStage, originOf } from "./constructs/context.js";
import { defineFilesBucket, defineTable, filesBucketNameOf } from "./constructs/data.js";
import { type CustomDomain, defineEdge, deploySiteFiles } from "./constructs/edge.js";
import { connectMailWorker, defineMail, MAIL_INFORMED, MAIL_SENDERS, mailSenderGrant } from "./constructs/mail.js";
import { defineSecrets } from "./constructs/secrets.js";
import { defineSchedules } from "./constructs/schedules.js";
import { functionSettings, SETTINGS, type Settings } from "./settings.js";

export { ACCESS_LOG_FORMAT, PUBLIC_CONCURRENCY, TABLE_DELETES, THROTTLE, tableDeletes, WEBHOOK_CONCURRENCY } from "./constructs/api.js";
export { TOKEN_LIFETIME } from "./constructs/auth.js";
export { isDevStage } from "./constructs/context.js";
export { SETTINGS };

export interface BackOfficeProps {
  stage: string;
  /** Folder holding `<group>/index.mjs` bundles (stacks/bundle.ts). */
  bundleDir: string;
  /** Association settings passed to every function (keys of SETTINGS, stacks/settings.ts). */
  settings?: Settings;
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
  /** Reserved concurrency of the Stripe webhook function (so no other function can starve it); null: none. */
  webhookConcurrency?: number | null;
  /** Where alarms are sent by email, if anywhere (the SNS topic exists either way). */
  alarmEmail?: string;
  /** The edge firewall's web ACL ARN (stacks/constructs/firewall.ts, in us-east-1); none: no WAF. */
  webAclArn?: string;
  /** The distribution's own domain names and their ACM certificate (us-east-1); TLS 1.2 at least. */
  customDomain?: CustomDomain;
  /** The SES identity mail is sent from: a domain or one address (MAIL_IDENTITY). */
  mailIdentity?: string;
  /** The groups allowed to send mail through SES (default MAIL_SENDERS, constructs/mail.ts). */
  mailSenders?: readonly Group[];
}

/**
 * The identity a tax receipt prints has no demonstration value outside dev: what is missing or
 * wrong in the settings for `stage`, each named (nothing in a dev stage). The rules are the
 * receipts' own (packages/core/src/receipts/settings.ts), so synth and run time cannot disagree.
 */
/**
 * What the stack refuses in the association's identity variables: only malformed values. The
 * identity is data (the settings domain): a new deployment without it synthesizes, its console
 * opens the first-run guide, and receipts stay off until the identity is complete (never a
 * demonstration identity outside dev). Variables that are set seed the settings once.
 */
export function identityProblems(stage: string, settings: Settings = {}): string[] {
  if (isDevStage(stage)) return [];
  const r = loadReceiptSettings({ ...settings, STAGE: stage });
  return r.invalid.map((i) => `${i.setting} (${i.message})`);
}

export function defineBackOffice(scope: Construct, props: BackOfficeProps) {
  const { stage } = props;
  const problems = identityProblems(stage, props.settings);
  if (problems.length)
    throw new Error(
      `Stage "${stage}" cannot be synthesized with a malformed identity (printed on tax receipts and in the FEC): fix ${problems.join(", ")}, or leave it unset and enter it in the console.`,
    );
  const ctx = contextOf(scope, stage);

  const table = defineTable(ctx);
  const secrets = defineSecrets(ctx, { captcha: Boolean(props.settings?.CAPTCHA_VERIFY_URL) });
  const alarms = defineAlarmTopic(ctx, props.alarmEmail);
  const staff = defineStaffPool(ctx, { authDomainPrefix: props.authDomainPrefix });
  const api = defineHttpApi(ctx);

  const filesBucketName = filesBucketNameOf(ctx);
  const { site, edgeLogs, distribution, siteUrl } = defineEdge(ctx, {
    api,
    originSecret: secrets.origin,
    authHost: staff.authHost,
    filesBucketName,
    webDir: props.webDir,
    ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
    ...(props.customDomain ? { customDomain: props.customDomain } : {}),
  });
  const consoleOrigin = props.consoleUrl ? originOf(props.consoleUrl) : siteUrl;
  const publicBaseUrl = props.publicBaseUrl ?? siteUrl;

  const { client, authorizer } = defineConsoleClient(ctx, staff, consoleOrigin);
  const files = defineFilesBucket(ctx, consoleOrigin);
  const mail = defineMail(ctx, { identity: props.mailIdentity });
  const functions = defineFunctions(ctx, {
    bundleDir: props.bundleDir,
    table,
    files,
    secrets,
    publicBaseUrl,
    publicConcurrency: props.publicConcurrency,
    webhookConcurrency: props.webhookConcurrency,
    mail: { senders: props.mailSenders ?? MAIL_SENDERS, informed: MAIL_INFORMED, ...mailSenderGrant(ctx, mail) },
    settings: functionSettings(props.settings),
  });
  const { accessLogs } = defineRoutes(ctx, api, functions, authorizer);
  connectMailWorker(ctx, mail, functions.get("mail")!);
  const schedules = defineSchedules(ctx, functions, { publicBaseUrl });
  defineAlarms(ctx, alarms, { functions, api, accessLogs });
  deploySiteFiles(ctx, { site, webDir: props.webDir, consoleDir: props.consoleDir, userPool: staff.userPool, client, authHost: staff.authHost, consoleOrigin });

  const { userPool } = staff;
  const authHost = staff.authHost;
  new CfnOutput(scope, "SiteUrl", { value: siteUrl });
  new CfnOutput(scope, "ConsoleUrl", { value: `${consoleOrigin}/console/` });
  new CfnOutput(scope, "ApiUrl", { value: `${siteUrl}/v1`, description: "The API through CloudFront (the execute-api address refuses direct calls)" });
  new CfnOutput(scope, "UserPoolId", { value: userPool.userPoolId });
  new CfnOutput(scope, "UserPoolClientId", { value: client.userPoolClientId });
  new CfnOutput(scope, "AuthDomain", { value: `https://${authHost}` });
  new CfnOutput(scope, "TableName", { value: table.tableName });
  new CfnOutput(scope, "FilesBucket", { value: files.bucketName });
  new CfnOutput(scope, "EdgeLogsBucket", { value: edgeLogs.bucketName, description: "CloudFront access logs (cloudfront/), kept a year" });
  new CfnOutput(scope, "StripeCheckoutSecretArn", { value: secrets.stripe.checkout.secretArn });
  new CfnOutput(scope, "StripeReadSecretArn", { value: secrets.stripe.read.secretArn });
  new CfnOutput(scope, "StripePortalSecretArn", { value: secrets.stripe.portal.secretArn });
  if (secrets.captcha) new CfnOutput(scope, "CaptchaSecretArn", { value: secrets.captcha.secretArn });
  new CfnOutput(scope, "AlarmTopicArn", {
    value: alarms.topicArn,
    description: "Alarms are published here; subscribe to it (ALARM_EMAIL adds an e-mail subscription)",
  });

  return {
    table,
    api,
    userPool,
    client,
    functions,
    stripeSecrets: secrets.stripe,
    cursorSecret: secrets.cursor,
    originSecret: secrets.origin,
    alarms,
    site,
    files,
    distribution,
    accessLogs,
    edgeLogs,
    mail,
    schedules,
  };
}
