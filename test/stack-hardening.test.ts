/**
 * The stack's hardening (issues 10, 11, 12), asserted on the offline synth: staff sign-in, secrets
 * and least privilege, abuse limits, security headers and the origin check, access logs, the files
 * bucket, the identity check at synth, the console behind CloudFront, and no dependency cycle.
 */
import { App, Stack } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ledgerKeys as keys } from "@asso/core/ledger";
import { METRICS, metricNamespace } from "@asso/core/metrics";
import { GROUP_NEEDS, GROUPS, PUBLIC_LEADING_KEYS, routes, type Group, type RouteDef } from "@asso/functions";
import { contentSecurityPolicy } from "@asso/functions/headers";
import {
  ACCESS_LOG_FORMAT,
  type BackOfficeProps,
  defineBackOffice,
  TABLE_DELETES,
  THROTTLE,
  TOKEN_LIFETIME,
  tableDeletes,
  WEBHOOK_CONCURRENCY,
} from "../stacks/backoffice.js";
import { bundleAll } from "../stacks/bundle.js";
import { NO_ALARM_EMAIL, WEBHOOK_ALARMS } from "../stacks/constructs/alarms.js";
import { PITR_DAYS } from "../stacks/constructs/data.js";
import { EDGE_LOG_RETENTION_DAYS } from "../stacks/constructs/edge.js";
import { DONOR_ACCESS_PATH, EDGE_RATE_LIMITS, FIREWALL_REGION, RATE_LIMITED_BODY, rateLimitedPaths } from "../stacks/constructs/firewall.js";
import { mailIdentityOf } from "../stacks/constructs/mail.js";
import { propsFromEnv } from "../stacks/settings.js";
import { defineStage } from "../stacks/synth.js";
import { IDENTITY } from "./support/identity.js";

const WEB = join(import.meta.dirname, "..", "web");

let bundleDir: string;
function synth(stage: string, extra: Partial<BackOfficeProps> = {}) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")) });
  const stack = new Stack(app, `test-${stage}`, { env: { region: "eu-west-3" } });
  defineBackOffice(stack, { stage, bundleDir, webDir: WEB, settings: IDENTITY, ...extra });
  return Template.fromStack(stack);
}

let prod: Template;
beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), "bundles-"));
  bundleAll(bundleDir);
  prod = synth("prod");
});

type Res = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };
const resources = (t: Template): Record<string, Res> => t.toJSON().Resources;
const ofType = (t: Template, type: string) => Object.entries(resources(t)).filter(([, r]) => r.Type === type);
const one = (t: Template, type: string) => {
  const all = ofType(t, type);
  expect(all, type).toHaveLength(1);
  return all[0]![1].Properties;
};
const fnOf = (t: Template, group: Group) => ofType(t, "AWS::Lambda::Function").find(([id]) => id.startsWith(`Fn${group}`))![1].Properties;
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string[]>> };
const statementsOf = (t: Template, group: Group): Statement[] =>
  ofType(t, "AWS::IAM::Policy")
    .filter(([id]) => id.startsWith(`Role${group}DefaultPolicy`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
const actions = (s: Statement) => ([] as string[]).concat(s.Action);
const refersTo = (value: unknown, logicalIdPrefix: string) => JSON.stringify(value).includes(`"${logicalIdPrefix}`);

describe("staff sign-in (Cognito)", () => {
  it("requires MFA with TOTP only, recovers accounts by e-mail only (bug: MFA off, SMS-first recovery)", () => {
    const pool = one(prod, "AWS::Cognito::UserPool");
    expect(pool.MfaConfiguration).toBe("ON");
    expect(pool.EnabledMfas).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(pool.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] });
    expect(pool.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
  });
  it("hides user existence, keeps tokens short-lived with refresh, and signs in with authorization code + PKCE, no secret (bug: SRP-only client, 60 min tokens)", () => {
    const c = one(prod, "AWS::Cognito::UserPoolClient");
    expect(c.PreventUserExistenceErrors).toBe("ENABLED");
    expect(c.GenerateSecret).toBe(false);
    expect(c.AllowedOAuthFlows).toEqual(["code"]);
    expect(c.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(c.AllowedOAuthScopes).toEqual(expect.arrayContaining(["openid"]));
    expect(c.SupportedIdentityProviders).toEqual(["COGNITO"]);
    expect(c.TokenValidityUnits).toMatchObject({ AccessToken: "minutes", IdToken: "minutes" });
    expect(c.AccessTokenValidity).toBe(TOKEN_LIFETIME.accessMinutes);
    expect(c.AccessTokenValidity).toBeLessThanOrEqual(60);
    expect(c.IdTokenValidity).toBeLessThanOrEqual(60);
    expect(c.RefreshTokenValidity).toBeGreaterThan(0);
    expect(c.EnableTokenRevocation).toBe(true);
    expect(c.ExplicitAuthFlows).not.toContain("ALLOW_USER_PASSWORD_AUTH");
    // Callback and logout on the CloudFront domain, under /console/.
    for (const urls of [c.CallbackURLs, c.LogoutURLs]) {
      expect(urls).toHaveLength(1);
      expect(refersTo(urls, "Cdn")).toBe(true);
      expect(JSON.stringify(urls)).toMatch(/\/console\/"/);
    }
  });
  it("has a hosted UI domain, and a console on its own domain (CONSOLE_URL) gets its callbacks there", () => {
    expect(one(prod, "AWS::Cognito::UserPoolDomain").Domain).toBeDefined();
    const t = synth("prod", { consoleUrl: "https://compta.example.org/" });
    const c = one(t, "AWS::Cognito::UserPoolClient");
    expect(c.CallbackURLs).toEqual(["https://compta.example.org/console/"]);
    const files = ofType(t, "AWS::S3::Bucket").find(([id]) => id.startsWith("Files"))![1];
    expect(files.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual(["https://compta.example.org"]);
  });
});

describe("secrets and least privilege", () => {
  it("gives the public function (checkout key) and the webhook (read key) each its own Stripe secret (bug: one full key shared by both)", () => {
    const secrets = ofType(prod, "AWS::SecretsManager::Secret").map(([id]) => id);
    const checkout = secrets.find((id) => id.startsWith("StripeCheckoutKey"))!;
    const webhook = secrets.find((id) => id.startsWith("StripeReadKeys"))!;
    expect(checkout && webhook).toBeTruthy();
    expect(refersTo(fnOf(prod, "public").Environment.Variables.STRIPE_SECRET_ARN, checkout)).toBe(true);
    expect(refersTo(fnOf(prod, "webhooks").Environment.Variables.STRIPE_SECRET_ARN, webhook)).toBe(true);
    for (const group of GROUPS) {
      const reads = statementsOf(prod, group).filter((s) => actions(s).includes("secretsmanager:GetSecretValue"));
      const readsCheckout = reads.some((s) => refersTo(s.Resource, checkout));
      const readsWebhook = reads.some((s) => refersTo(s.Resource, webhook));
      expect(readsCheckout, group).toBe(GROUP_NEEDS[group].stripe === "checkout");
      expect(readsWebhook, group).toBe(GROUP_NEEDS[group].stripe === "read");
    }
    // The donor space's portal key is its own secret, read by that group alone.
    const portal = secrets.find((id) => id.startsWith("StripePortalKey"))!;
    expect(refersTo(fnOf(prod, "donor").Environment.Variables.STRIPE_SECRET_ARN, portal)).toBe(true);
    for (const group of GROUPS)
      expect(
        statementsOf(prod, group).some((s) => actions(s).includes("secretsmanager:GetSecretValue") && refersTo(s.Resource, portal)),
        group,
      ).toBe(group === "donor");
  });
  it("lets the public function touch only its own items (dynamodb:LeadingKeys), no index, so not the ledger (bug: full table read/write)", () => {
    const table = statementsOf(prod, "public").filter((s) => actions(s).some((a) => a.startsWith("dynamodb:")));
    expect(table).toHaveLength(1);
    const s = table[0]!;
    expect(s.Condition).toEqual({ "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...PUBLIC_LEADING_KEYS] } });
    expect(JSON.stringify(s.Resource)).not.toMatch(/index/);
    // What IAM would match: none of the ledger's partitions.
    const matches = (pk: string) => PUBLIC_LEADING_KEYS.some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(pk));
    for (const pk of [
      keys.entry("e1").pk,
      keys.line(2025, "512", "2025-01-01", 1, 0).pk,
      keys.balance(2025, "512", "01").pk,
      keys.head.pk,
      keys.idempotency("post", "k").pk,
    ])
      expect(matches(pk), pk).toBe(false);
    expect(matches("CHECKOUT#abc")).toBe(true);
  });
  it("with a CAPTCHA, its secret key is a secret only the public function reads", () => {
    const t = synth("prod", { settings: { ...IDENTITY, CAPTCHA_VERIFY_URL: "https://captcha.example/verify" } });
    const id = ofType(t, "AWS::SecretsManager::Secret").find(([i]) => i.startsWith("CaptchaSecret"))![0];
    for (const group of GROUPS) {
      expect(refersTo(fnOf(t, group).Environment.Variables.CAPTCHA_SECRET_ARN ?? null, id), group).toBe(group === "public");
      expect(
        statementsOf(t, group).some((s) => refersTo(s.Resource, id)),
        group,
      ).toBe(group === "public");
    }
    expect(ofType(prod, "AWS::SecretsManager::Secret").some(([i]) => i.startsWith("CaptchaSecret"))).toBe(false);
  });
  it("keeps the cursor key and the origin header value in generated secrets, passed by ARN (never the value)", () => {
    for (const id of ["CursorKey", "OriginVerify"]) {
      const [, secret] = ofType(prod, "AWS::SecretsManager::Secret").find(([i]) => i.startsWith(id))!;
      expect(secret.Properties.GenerateSecretString).toBeDefined();
    }
    for (const group of GROUPS) {
      const env = fnOf(prod, group).Environment.Variables;
      expect(refersTo(env.CURSOR_SECRET_ARN, "CursorKey"), group).toBe(true);
      expect(refersTo(env.ORIGIN_VERIFY_ARN, "OriginVerify"), group).toBe(true);
      expect(env.CURSOR_SECRET, group).toBeUndefined();
      expect(env.ORIGIN_VERIFY, group).toBeUndefined();
    }
  });
});

describe("abuse limits", () => {
  it("throttles the API stage, tighter on the public checkout routes, which exist before the stage names them (bug: no throttling)", () => {
    const [[stageId, stage]] = ofType(prod, "AWS::ApiGatewayV2::Stage") as [[string, Res]];
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: THROTTLE.stage.rateLimit,
      ThrottlingBurstLimit: THROTTLE.stage.burstLimit,
    });
    const checkout = (routes as readonly RouteDef[]).filter((r) => (r.group === "public" || r.group === "donor") && r.method === "POST");
    expect(checkout.length).toBeGreaterThanOrEqual(2);
    expect(checkout.map((r) => r.path)).toContain("/v1/public/donor-access");
    for (const r of checkout)
      expect(stage.Properties.RouteSettings[`${r.method} ${r.path}`], r.path).toEqual({
        ThrottlingRateLimit: THROTTLE.publicCheckout.rateLimit,
        ThrottlingBurstLimit: THROTTLE.publicCheckout.burstLimit,
      });
    expect(THROTTLE.publicCheckout.rateLimit).toBeLessThan(THROTTLE.stage.rateLimit);
    const routeIds = ofType(prod, "AWS::ApiGatewayV2::Route")
      .filter(([, r]) => checkout.some((c) => r.Properties.RouteKey === `${c.method} ${c.path}`))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(checkout.length);
    for (const id of routeIds) expect(resources(prod)[stageId]!.DependsOn ?? []).toContain(id);
  });
  it("reserves (caps) the public function's concurrency so a burst cannot starve the webhook", () => {
    expect(fnOf(prod, "public").ReservedConcurrentExecutions).toBeGreaterThan(0);
    expect(fnOf(synth("prod", { publicConcurrency: null }), "public").ReservedConcurrentExecutions).toBeUndefined();
  });
  it("gives the webhook function its own reserved concurrency, so other functions cannot take Stripe's room (issue 21; bug: none)", () => {
    expect(fnOf(prod, "webhooks").ReservedConcurrentExecutions).toBe(WEBHOOK_CONCURRENCY);
    const t = synth("prod", { webhookConcurrency: null, publicConcurrency: null });
    expect(fnOf(t, "webhooks").ReservedConcurrentExecutions).toBeUndefined();
    expect(propsFromEnv({ WEBHOOK_CONCURRENCY: "4" }).webhookConcurrency).toBe(4);
    expect(propsFromEnv({ WEBHOOK_CONCURRENCY: "none" }).webhookConcurrency).toBeNull();
    expect(() => propsFromEnv({ WEBHOOK_CONCURRENCY: "-1" })).toThrow(/WEBHOOK_CONCURRENCY/);
  });
  it("expires items by the table's TTL attribute `ttl`", () => {
    expect(one(prod, "AWS::DynamoDB::Table").TimeToLiveSpecification).toEqual({ AttributeName: "ttl", Enabled: true });
  });
});

describe("the edge: security headers, origin check, alarms", () => {
  it("answers the page, the console and the API with security headers through CloudFront (bug: none)", () => {
    const policies = Object.fromEntries(
      ofType(prod, "AWS::CloudFront::ResponseHeadersPolicy").map(([id, r]) => [id, r.Properties.ResponseHeadersPolicyConfig]),
    );
    const dist = one(prod, "AWS::CloudFront::Distribution").DistributionConfig;
    const policyOf = (behavior: { ResponseHeadersPolicyId?: { Ref: string } }) => policies[behavior.ResponseHeadersPolicyId!.Ref]!;
    const behaviors = {
      page: dist.DefaultCacheBehavior,
      api: dist.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === "/v1/*"),
      console: dist.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === "/console/*"),
    };
    for (const [kind, behavior] of Object.entries(behaviors)) {
      const h = policyOf(behavior).SecurityHeadersConfig;
      expect(h.StrictTransportSecurity, kind).toMatchObject({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true });
      expect(h.FrameOptions, kind).toEqual({ FrameOption: "DENY", Override: true });
      expect(h.ReferrerPolicy, kind).toEqual({ ReferrerPolicy: "no-referrer", Override: true });
      expect(h.ContentTypeOptions, kind).toEqual({ Override: true });
      expect(JSON.stringify(h.ContentSecurityPolicy.ContentSecurityPolicy), kind).toContain("frame-ancestors 'none'");
    }
    expect(policyOf(behaviors.page).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy).toBe(contentSecurityPolicy("page"));
    expect(policyOf(behaviors.api).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy).toBe(contentSecurityPolicy("api"));
    const consoleCsp = JSON.stringify(policyOf(behaviors.console).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(consoleCsp).toMatch(/amazoncognito\.com/);
    expect(consoleCsp).toMatch(/-files-/);
  });
  it("CloudFront adds the secret origin header the functions require (the execute-api address is not the public entry)", () => {
    const dist = one(prod, "AWS::CloudFront::Distribution").DistributionConfig;
    const apiOrigin = dist.Origins.find((o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig);
    const header = apiOrigin.OriginCustomHeaders.find((h: { HeaderName: string }) => h.HeaderName === "x-origin-verify");
    expect(JSON.stringify(header.HeaderValue)).toMatch(/resolve:secretsmanager:/);
    expect(refersTo(header.HeaderValue, "OriginVerify")).toBe(true);
  });
  it("CloudFront tells the API the caller's address (x-viewer-ip), replacing any the client sent", () => {
    const dist = one(prod, "AWS::CloudFront::Distribution").DistributionConfig;
    const api = dist.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === "/v1/*");
    const fnId = api.FunctionAssociations[0].FunctionARN["Fn::GetAtt"][0];
    const handler = new Function(`${resources(prod)[fnId]!.Properties.FunctionCode}; return handler;`)() as (e: unknown) => {
      headers: Record<string, { value: string }>;
    };
    const out = handler({
      viewer: { ip: "198.51.100.7" },
      request: { uri: "/v1/public/donations/checkout", headers: { "x-viewer-ip": { value: "1.2.3.4" } } },
    });
    expect(out.headers["x-viewer-ip"]).toEqual({ value: "198.51.100.7" });
  });
  it("CloudFront answers the French 404 page (status 404) for a path that is no file of the site, and keeps the pretty URLs", () => {
    const dist = one(prod, "AWS::CloudFront::Distribution").DistributionConfig;
    const fnId = dist.DefaultCacheBehavior.FunctionAssociations[0].FunctionARN["Fn::GetAtt"][0];
    type Out = { statusCode?: number; uri?: string; headers?: Record<string, { value: string }>; body?: { data: string } };
    const code = resources(prod)[fnId]!.Properties.FunctionCode as string;
    expect(code.length).toBeLessThan(10 * 1024); // CloudFront Functions' size limit
    const handler = new Function(`${code}; return handler;`)() as (e: unknown) => Out;
    const at = (uri: string) => handler({ request: { uri, headers: {} } });
    expect(at("/").uri).toBe("/");
    expect(at("/merci").uri).toBe("/merci.html");
    expect(at("/espace/").uri).toBe("/espace/index.html");
    expect(at("/style.css").uri).toBe("/style.css");
    expect(at("/console")).toMatchObject({ statusCode: 302 });
    for (const missing of ["/faire-un-don", "/espace/nope/", "/old.php", "/merci.html.bak"]) {
      const out = at(missing);
      expect(out.statusCode, missing).toBe(404);
      expect(out.headers!["content-type"]!.value).toBe("text/html; charset=utf-8");
      expect(out.body!.data).toContain("Page introuvable");
    }
    // No distribution-wide error page: the API's own 403 and 404 answers reach the caller as they are.
    expect(dist.CustomErrorResponses).toBeUndefined();
  });
  it("always has an alarm topic, given as an output; e-mail only with ALARM_EMAIL (bug: alarms went nowhere without it)", () => {
    expect(ofType(prod, "AWS::SNS::Topic").filter(([id]) => id.startsWith("Alarms"))).toHaveLength(1);
    expect(refersTo(prod.toJSON().Outputs.AlarmTopicArn.Value, "Alarms")).toBe(true);
    // The only subscription: the mail function on SES's events (no e-mail one without ALARM_EMAIL).
    expect(ofType(prod, "AWS::SNS::Subscription").map(([, s]) => s.Properties.Protocol)).toEqual(["lambda"]);
    for (const [, alarm] of ofType(prod, "AWS::CloudWatch::Alarm")) expect(refersTo(alarm.Properties.AlarmActions, "Alarms")).toBe(true);
    const withEmail = synth("prod", { alarmEmail: "tresorerie@example.org" });
    withEmail.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "tresorerie@example.org" });
  });
});

describe("audit: API access logs", () => {
  it("the HTTP API stage writes one JSON line per request (request id, route, status, latency, source IP), never a token or a body (bug: no access logs)", () => {
    const stage = one(prod, "AWS::ApiGatewayV2::Stage");
    const { DestinationArn, Format } = stage.AccessLogSettings;
    expect(refersTo(DestinationArn, "ApiAccessLogs")).toBe(true);
    const format = JSON.parse(Format) as Record<string, string>;
    expect(format).toEqual(ACCESS_LOG_FORMAT);
    for (const key of ["requestId", "routeKey", "status", "latency", "sourceIp"]) expect(format[key], key).toMatch(/^\$context\./);
    expect(Format).not.toMatch(/\$request|header|body|authorization|querystring|\$input/i);
    const logs = ofType(prod, "AWS::Logs::LogGroup").find(([id]) => id.startsWith("ApiAccessLogs"))![1];
    expect(logs.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
  });
});

describe("the files bucket", () => {
  it("is private, encrypted, versioned, SSL-only, with CORS for the console's presigned PUTs and exports expiring after 7 days", () => {
    const [[id, bucket]] = ofType(prod, "AWS::S3::Bucket").filter(([i]) => i.startsWith("Files")) as [[string, Res]];
    const p = bucket.Properties;
    expect(p.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] });
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.VersioningConfiguration).toEqual({ Status: "Enabled" });
    const cors = p.CorsConfiguration.CorsRules;
    expect(cors).toHaveLength(1);
    expect(cors[0].AllowedMethods).toContain("PUT");
    expect(refersTo(cors[0].AllowedOrigins, "Cdn")).toBe(true);
    expect(p.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ Prefix: "exports/", ExpirationInDays: 7, Status: "Enabled" })]),
    );
    // Presigned uploads never confirmed are not kept (a confirmed invoice is moved out of uploads/).
    expect(p.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ Prefix: "invoices/uploads/", ExpirationInDays: 2, Status: "Enabled" })]),
    );
    // Old versions of a receipt's PDF (a lost or altered file rewritten) go after 30 days; the current one stays.
    const receipts = p.LifecycleConfiguration.Rules.find((r: { Prefix?: string }) => r.Prefix === "receipts/");
    expect(receipts).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: "Enabled" });
    expect(receipts).not.toHaveProperty("ExpirationInDays");
    const policy = ofType(prod, "AWS::S3::BucketPolicy").find(([, r]) => refersTo(r.Properties.Bucket, id))![1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toMatch(/"aws:SecureTransport":"false"/);
  });
  it("is named to the functions that use it, each granted its own prefixes only", () => {
    for (const group of GROUPS) {
      const needs = GROUP_NEEDS[group];
      const env = fnOf(prod, group).Environment.Variables;
      expect(env.FILES_BUCKET !== undefined, group).toBe(needs.files !== undefined);
      const s3 = statementsOf(prod, group).filter((s) => actions(s).some((a) => a.startsWith("s3:")));
      const resourcesFor = (action: string) => s3.filter((s) => actions(s).includes(action)).map((s) => JSON.stringify(s.Resource));
      expect(resourcesFor("s3:GetObject").length, group).toBe(needs.files?.read?.length ? 1 : 0);
      expect(resourcesFor("s3:PutObject").length, group).toBe(needs.files?.write?.length ? 1 : 0);
      for (const prefix of needs.files?.write ?? []) expect(resourcesFor("s3:PutObject")[0], group).toContain(`/${prefix}*`);
    }
    expect(GROUP_NEEDS.grants.files?.write).toEqual(["invoices/"]);
    expect(GROUP_NEEDS.ledger.files?.write).toEqual(["exports/"]);
  });
  it("lets the ledger invoke itself for large exports (EXPORT_FUNCTION_NAME), and no one else", () => {
    const ledger = fnOf(prod, "ledger");
    expect(ledger.Environment.Variables.EXPORT_FUNCTION_NAME).toBe(ledger.FunctionName);
    expect(ledger.Environment.Variables.LEDGER_EXPORT_FUNCTION).toBe(ledger.FunctionName);
    const invoke = statementsOf(prod, "ledger").filter((s) => actions(s).includes("lambda:InvokeFunction"));
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]!.Resource)).toContain(`:function:${ledger.FunctionName}`);
    for (const group of GROUPS.filter((g) => g !== "ledger"))
      expect(
        statementsOf(prod, group).some((s) => actions(s).includes("lambda:InvokeFunction")),
        group,
      ).toBe(false);
  });
});

describe("the association's identity at synth (issue 11)", () => {
  it("a non-dev stage without the identity synthesizes (the identity is data, entered in the first-run guide); a malformed one does not", () => {
    expect(() => synth("prod", { settings: {} })).not.toThrow();
    expect(() => synth("prod", { settings: { ASSO_NAME: "Les Amis du Canal" } })).not.toThrow();
    expect(() => synth("prod", { settings: { ...IDENTITY, ASSO_SIREN: "12345" } })).toThrow(/ASSO_SIREN \(must be 9 digits\)/);
  });
  it("an RNA number stands for the SIREN; a dev stage keeps its demonstration identity", () => {
    const { ASSO_SIREN: _, ...noSiren } = IDENTITY;
    expect(() => synth("prod", { settings: { ...noSiren, ASSO_RNA: "W751234567" } })).not.toThrow();
    expect(() => synth("dev", { settings: {} })).not.toThrow();
  });
});

describe("the staff console behind CloudFront (issue 10)", () => {
  it("is served at /console/* from the site bucket, any extensionless path falling back to /console/index.html", () => {
    const dist = one(prod, "AWS::CloudFront::Distribution").DistributionConfig;
    const consoleBehavior = dist.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === "/console/*");
    expect(consoleBehavior.TargetOriginId).toBe(dist.DefaultCacheBehavior.TargetOriginId);
    const fnId = consoleBehavior.FunctionAssociations[0].FunctionARN["Fn::GetAtt"][0];
    const code = resources(prod)[fnId]!.Properties.FunctionCode as string;
    // Run the CloudFront function as CloudFront would.
    const handler = new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const uri = (u: string) => handler({ request: { uri: u } }).uri;
    expect(uri("/console/")).toBe("/console/index.html");
    expect(uri("/console/ledger/entries")).toBe("/console/index.html");
    expect(uri("/console/app.js")).toBe("/console/app.js");
    expect(uri("/console/config.json")).toBe("/console/config.json");
  });
  it("deploys the built console and its config.json (client id, hosted UI) with the page, in one deployment", () => {
    const consoleDir = mkdtempSync(join(tmpdir(), "console-"));
    mkdirSync(join(consoleDir, "console"));
    writeFileSync(join(consoleDir, "console", "index.html"), "<!doctype html><title>Console</title>");
    const t = synth("prod", { consoleDir });
    const deployments = ofType(t, "Custom::CDKBucketDeployment");
    expect(deployments).toHaveLength(1);
    const p = deployments[0]![1].Properties;
    expect(p.SourceObjectKeys).toHaveLength(3);
    expect(JSON.stringify(p.SourceMarkers ?? p.SourceMarkersConfig ?? {})).toMatch(/StaffClient/);
    // Without a built console, the page and config.json only.
    expect(ofType(prod, "Custom::CDKBucketDeployment")[0]![1].Properties.SourceObjectKeys).toHaveLength(2);
  });
});

describe("CloudFormation can create it", () => {
  it("has no dependency cycle (the console's callback URLs, CSP and CORS name CloudFront, which names the API)", () => {
    for (const t of [prod, synth("prod", { consoleUrl: "https://compta.example.org" }), synth("dev", { settings: {} })]) {
      const all = resources(t);
      const deps = new Map<string, Set<string>>();
      const collect = (v: unknown, out: Set<string>) => {
        if (Array.isArray(v)) v.forEach((x) => collect(x, out));
        else if (v && typeof v === "object") {
          const o = v as Record<string, unknown>;
          if (typeof o.Ref === "string" && all[o.Ref]) out.add(o.Ref);
          if (Array.isArray(o["Fn::GetAtt"]) && all[o["Fn::GetAtt"][0] as string]) out.add(o["Fn::GetAtt"][0] as string);
          if (typeof o["Fn::Sub"] === "string") for (const m of (o["Fn::Sub"] as string).matchAll(/\$\{([\w]+)/g)) if (all[m[1]!]) out.add(m[1]!);
          Object.values(o).forEach((x) => collect(x, out));
        }
      };
      for (const [id, r] of Object.entries(all)) {
        const out = new Set<string>(r.DependsOn ?? []);
        collect(r.Properties, out);
        deps.set(id, out);
      }
      const state = new Map<string, 1 | 2>();
      const visit = (id: string, path: string[]): void => {
        if (state.get(id) === 2) return;
        if (state.get(id) === 1) throw new Error(`cycle: ${[...path, id].join(" → ")}`);
        state.set(id, 1);
        for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
        state.set(id, 2);
      };
      for (const id of deps.keys()) visit(id, []);
    }
  });
});

// ---------------------------------------------------------------- issue 21 (second round) and issue 17 (mail)

/** The stage as `npm run synth` and SST make it: the firewall stack in us-east-1 and the back-office referencing its ACL. */
function synthStage(extra: Partial<BackOfficeProps> = {}) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")) });
  const { stack, firewall } = defineStage(
    app,
    { stage: "prod", bundleDir, webDir: WEB, settings: IDENTITY, ...extra },
    { region: "eu-west-3", firewall: true },
  );
  return { main: Template.fromStack(stack), firewall: Template.fromStack(firewall!), stack, firewallStack: firewall! };
}

/** What a WAF byte-match scope-down does with a request path (STARTS_WITH after URL_DECODE). */
function matches(statement: any, path: string): boolean {
  if (statement.OrStatement) return statement.OrStatement.Statements.some((s: unknown) => matches(s, path));
  const b = statement.ByteMatchStatement;
  expect(b.FieldToMatch).toEqual({ UriPath: {} });
  expect(b.PositionalConstraint).toBe("STARTS_WITH");
  expect(b.TextTransformations).toEqual([{ Priority: 0, Type: "URL_DECODE" }]);
  return decodeURIComponent(path).startsWith(b.SearchString);
}

describe("the edge firewall: AWS WAF on CloudFront (issue 21 item 1)", () => {
  let stage: ReturnType<typeof synthStage>;
  beforeAll(() => {
    stage = synthStage();
  });
  it("is a CloudFront-scope web ACL in its own us-east-1 stack, which the distribution uses (bug: no WAF; the checkout's address bucket saw CloudFront)", () => {
    expect(stage.firewallStack.region).toBe(FIREWALL_REGION);
    expect(FIREWALL_REGION).toBe("us-east-1");
    expect(stage.stack.region).toBe("eu-west-3");
    const acl = one(stage.firewall, "AWS::WAFv2::WebACL");
    expect(acl.Scope).toBe("CLOUDFRONT");
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    // The ARN crosses regions through CDK's exports (SSM parameters), read in the main stack.
    const dist = one(stage.main, "AWS::CloudFront::Distribution").DistributionConfig;
    const reader = ofType(stage.main, "Custom::CrossRegionExportReader");
    expect(reader).toHaveLength(1);
    expect(refersTo(dist.WebACLId, reader[0]![0])).toBe(true);
    expect(JSON.stringify(dist.WebACLId)).toMatch(/firewall.*EdgeAcl/i);
    // Without a firewall (EDGE_FIREWALL=none), no ACL.
    expect(one(prod, "AWS::CloudFront::Distribution").DistributionConfig.WebACLId).toBeUndefined();
  });
  it("limits each address on the checkouts, the donor-access link and the webhook, answering 429 with a French problem body", () => {
    const acl = one(stage.firewall, "AWS::WAFv2::WebACL");
    const rules = acl.Rules as any[];
    expect(rules.map((r) => r.Name)).toEqual(["rate-checkout", "rate-donor-access", "rate-webhook"]);
    const limits = Object.values(EDGE_RATE_LIMITS);
    rules.forEach((r, i) => {
      expect(r.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: "IP", Limit: limits[i]!.limit, EvaluationWindowSec: limits[i]!.windowSeconds });
      expect(r.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: "rate-limited" } } });
      expect(r.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    });
    const body = JSON.parse(acl.CustomResponseBodies["rate-limited"].Content);
    expect(acl.CustomResponseBodies["rate-limited"].ContentType).toBe("APPLICATION_JSON");
    expect(body).toEqual(JSON.parse(RATE_LIMITED_BODY));
    expect(body).toMatchObject({ status: 429, title: "Trop de demandes" });
    // Which rule a request path falls under, as WAF would decide it.
    const ruleFor = (path: string) => rules.filter((r) => matches(r.Statement.RateBasedStatement.ScopeDownStatement, path)).map((r) => r.Name);
    expect(ruleFor("/v1/public/donations/checkout")).toEqual(["rate-checkout"]);
    expect(ruleFor("/v1/public/memberships/checkout")).toEqual(["rate-checkout"]);
    expect(ruleFor("/v1/public/donations%2Fcheckout")).toEqual(["rate-checkout"]);
    expect(ruleFor(DONOR_ACCESS_PATH)).toEqual(["rate-donor-access"]);
    expect(ruleFor("/v1/webhooks/stripe")).toEqual(["rate-webhook"]);
    expect(ruleFor("/v1/public/giving-settings")).toEqual([]);
    expect(ruleFor("/v1/ledger/entries")).toEqual([]);
    // Every public POST checkout and the webhook of the route table are covered.
    for (const r of routes as readonly RouteDef[]) {
      if (r.auth === "public" && r.method === "POST" && r.path.endsWith("/checkout")) expect(ruleFor(r.path), r.path).toEqual(["rate-checkout"]);
      if (r.group === "webhooks") expect(ruleFor(r.path), r.path).toEqual(["rate-webhook"]);
    }
    expect(rateLimitedPaths().checkout.length).toBeGreaterThanOrEqual(2);
  });
});

describe("failures are loud: alarms (issue 21 item 2)", () => {
  const alarmsOf = (t: Template): Record<string, any> =>
    Object.fromEntries(ofType(t, "AWS::CloudWatch::Alarm").map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ""), r.Properties]));
  const webhookKey = (routes as readonly RouteDef[]).filter((r) => r.group === "webhooks").map((r) => `${r.method} ${r.path}`)[0]!;
  it("count the webhook's answers by status from the API's access logs (bug: a wrong whsec gave 400s and no alarm)", () => {
    const filters: Record<string, any> = Object.fromEntries(
      ofType(prod, "AWS::Logs::MetricFilter").map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ""), r.Properties]),
    );
    expect(Object.keys(filters).sort()).toEqual(["Webhook4xxCount", "Webhook5xxCount", "WebhookAcceptedCount", "WebhookRequestsCount"]);
    for (const f of Object.values(filters)) {
      expect(refersTo(f.LogGroupName, "ApiAccessLogs")).toBe(true);
      expect(f.FilterPattern).toContain(`$.routeKey = "${webhookKey}"`);
      expect(f.MetricTransformations[0].MetricNamespace).toBe(metricNamespace("prod"));
    }
    expect(filters.Webhook4xxCount.FilterPattern).toContain('$.status = "4*"');
    expect(filters.Webhook5xxCount.FilterPattern).toContain('$.status = "5*"');
    expect(filters.WebhookAcceptedCount.FilterPattern).toContain('$.status = "2*"');
    // The access log writes the status as a string, which the wildcard patterns compare.
    expect(JSON.stringify(ACCESS_LOG_FORMAT)).toContain('"status":"$context.status"');
  });
  it("alarm on the webhook's 4xx and 5xx rates, each function's throttles, and paid checkouts with no event for an hour", () => {
    const a = alarmsOf(prod);
    const rateAlarm = (p: any, errors: string, r: { percent: number; minRequests: number; period: { toSeconds(): number } }) => {
      expect(p.Threshold).toBe(r.percent);
      const expr = p.Metrics.find((m: any) => m.Expression);
      expect(expr.Expression).toContain(`>= ${r.minRequests}`);
      expect(expr.Expression).toMatch(/100 \* FILL\(errors, 0\) \/ FILL\(requests, 0\)/);
      const stat = (id: string) => p.Metrics.find((m: any) => m.Id === id).MetricStat;
      expect(stat("errors").Metric.MetricName).toBe(errors);
      expect(stat("requests").Metric.MetricName).toBe("WebhookRequests");
      expect(stat("errors").Period).toBe(r.period.toSeconds());
    };
    rateAlarm(a.Webhook4xxRate, "Webhook4xx", WEBHOOK_ALARMS.rate4xx);
    rateAlarm(a.Webhook5xxRate, "Webhook5xx", WEBHOOK_ALARMS.rate5xx);
    expect(a.Webhook4xxRate.AlarmDescription).toMatch(/whsec/);
    for (const g of GROUPS) expect(a[`Throttles${g}`], g).toMatchObject({ MetricName: "Throttles", Namespace: "AWS/Lambda", Threshold: 1 });
    const paid = a.CheckoutsPaidWithoutEvents;
    expect(paid.Metrics.find((m: any) => m.Expression).Expression).toBe("IF(FILL(paid, 0) > 0 AND FILL(accepted, 0) == 0, 1, 0)");
    const byId = (id: string) => paid.Metrics.find((m: any) => m.Id === id).MetricStat;
    expect(byId("paid").Metric).toEqual({ MetricName: METRICS.checkoutPaid, Namespace: metricNamespace("prod") });
    expect(byId("accepted").Metric.MetricName).toBe("WebhookAccepted");
    expect(byId("paid").Period).toBe(3600);
    for (const p of Object.values(a)) expect(refersTo(p.AlarmActions, "Alarms")).toBe(true);
  });
  it("say when no ALARM_EMAIL is set: a synth warning and the AlarmEmail output (bug: alarms went silently nowhere)", () => {
    const stackOf = (extra: Partial<BackOfficeProps>) => {
      const app = new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")) });
      const stack = new Stack(app, "test-prod", { env: { region: "eu-west-3" } });
      defineBackOffice(stack, { stage: "prod", bundleDir, webDir: WEB, settings: IDENTITY, ...extra });
      return stack;
    };
    const silent = stackOf({});
    Annotations.fromStack(silent).hasWarning("*", Match.stringLikeRegexp("No ALARM_EMAIL"));
    expect(Template.fromStack(silent).toJSON().Outputs.AlarmEmail).toMatchObject({ Value: "none", Description: NO_ALARM_EMAIL });
    const heard = stackOf({ alarmEmail: "tresorerie@example.org" });
    Annotations.fromStack(heard).hasNoWarning("*", Match.stringLikeRegexp("ALARM_EMAIL"));
    expect(Template.fromStack(heard).toJSON().Outputs.AlarmEmail.Value).toBe("tresorerie@example.org");
  });
});

describe("the stack, hardened (issue 21 item 9)", () => {
  it("CloudFront writes access logs (the viewer's address) to a private, encrypted, SSL-only log bucket kept a year (bug: recorded nowhere)", () => {
    const dist = one(prod, "AWS::CloudFront::Distribution").DistributionConfig;
    expect(dist.Logging).toMatchObject({ Prefix: "cloudfront/", IncludeCookies: false });
    expect(refersTo(dist.Logging.Bucket, "EdgeLogs")).toBe(true);
    const [[id, bucket]] = ofType(prod, "AWS::S3::Bucket").filter(([i]) => i.startsWith("EdgeLogs")) as [[string, Res]];
    const p = bucket.Properties;
    expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(p.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] });
    // CloudFront's standard logs are delivered with an ACL grant: ACLs kept, owner preferred.
    expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] });
    expect(p.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: EDGE_LOG_RETENTION_DAYS, Status: "Enabled" })]);
    const policy = ofType(prod, "AWS::S3::BucketPolicy").find(([, r]) => refersTo(r.Properties.Bucket, id))![1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toMatch(/"aws:SecureTransport":"false"/);
    expect((resources(prod)[id] as any).DeletionPolicy).toBe("Retain");
  });
  it("a custom domain (CUSTOM_DOMAIN, CERTIFICATE_ARN) is served with TLS 1.2 at least (MinimumProtocolVersion TLSv1.2_2021), SNI, and is the site's address", () => {
    const certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
    const t = synth("prod", { customDomain: { domainNames: ["don.example.org"], certificateArn } });
    const dist = one(t, "AWS::CloudFront::Distribution").DistributionConfig;
    expect(dist.Aliases).toEqual(["don.example.org"]);
    expect(dist.ViewerCertificate).toEqual({ AcmCertificateArn: certificateArn, MinimumProtocolVersion: "TLSv1.2_2021", SslSupportMethod: "sni-only" });
    expect(one(t, "AWS::Cognito::UserPoolClient").CallbackURLs).toEqual(["https://don.example.org/console/"]);
    expect(propsFromEnv({ CUSTOM_DOMAIN: "don.example.org, compta.example.org", CERTIFICATE_ARN: certificateArn }).customDomain).toEqual({
      domainNames: ["don.example.org", "compta.example.org"],
      certificateArn,
    });
    expect(() => propsFromEnv({ CUSTOM_DOMAIN: "don.example.org" })).toThrow(/CERTIFICATE_ARN/);
    expect(() => propsFromEnv({ CUSTOM_DOMAIN: "don.example.org", CERTIFICATE_ARN: certificateArn.replace("us-east-1", "eu-west-3") })).toThrow(/us-east-1/);
    // Without one, CloudFront's own address and certificate.
    expect(one(prod, "AWS::CloudFront::Distribution").DistributionConfig.ViewerCertificate).toBeUndefined();
  });
  it("the staff user pool has deletion protection outside dev and enforced threat protection (Plus plan) (bug: neither)", () => {
    const pool = one(prod, "AWS::Cognito::UserPool");
    expect(pool.DeletionProtection).toBe("ACTIVE");
    expect(pool.UserPoolTier).toBe("PLUS");
    expect(pool.UserPoolAddOns).toEqual({ AdvancedSecurityMode: "ENFORCED" });
    const risk = one(prod, "AWS::Cognito::UserPoolRiskConfigurationAttachment");
    expect(refersTo(risk.UserPoolId, "Staff")).toBe(true);
    expect(risk.ClientId).toBe("ALL");
    expect(risk.CompromisedCredentialsRiskConfiguration).toEqual({ Actions: { EventAction: "BLOCK" } });
    expect(risk.AccountTakeoverRiskConfiguration.Actions.HighAction).toEqual({ EventAction: "BLOCK", Notify: false });
    expect(one(synth("dev", { settings: {} }), "AWS::Cognito::UserPool").DeletionProtection).toBe("INACTIVE");
  });
  it("the table keeps 35 days of point-in-time recovery, and docs/deploy.md says how to restore", () => {
    expect(one(prod, "AWS::DynamoDB::Table").PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: PITR_DAYS });
    const doc = readFileSync(join(import.meta.dirname, "..", "docs", "deploy.md"), "utf8");
    const restore = doc.slice(doc.indexOf("\n## Restore"));
    expect(restore.length).toBeGreaterThan(12);
    for (const step of ["restore-table-to-point-in-time", "TableName", "--restore-date-time", "TABLE_NAME", "describe-continuous-backups"])
      expect(restore, step).toContain(step);
  });
  it("no function may DeleteItem or BatchWriteItem outside the partitions the core deletes or batch-writes (bug: every writer could delete ledger entries)", () => {
    const entryPks = [
      keys.entry("e1").pk,
      keys.line(2025, "512", "2025-01-01", 1, 0).pk,
      keys.balance(2025, "512", "01").pk,
      "CHECKOUT#abc",
      "RECEIPT#2025-0001",
    ];
    const like = (pattern: string, pk: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(pk);
    for (const group of GROUPS) {
      const st = statementsOf(prod, group);
      const expected = tableDeletes(group);
      for (const [action, pks] of [
        ["dynamodb:DeleteItem", expected.deleteItem],
        ["dynamodb:BatchWriteItem", expected.batchWrite],
      ] as const) {
        const granting = st.filter((s) => actions(s).includes(action));
        expect(granting.length, `${group} ${action}`).toBe(pks.length ? 1 : 0);
        for (const s of granting) {
          expect(actions(s), `${group} ${action}`).toEqual([action]);
          expect(s.Condition, `${group} ${action}`).toEqual({ "ForAllValues:StringLike": { "dynamodb:LeadingKeys": pks } });
          expect(JSON.stringify(s.Resource)).not.toMatch(/index/);
        }
        for (const pk of entryPks)
          expect(
            pks.some((p) => like(p, pk)),
            `${group} ${action} ${pk}`,
          ).toBe(false);
      }
    }
    expect(tableDeletes("bank").batchWrite).toEqual([...TABLE_DELETES.bankImport]);
    expect(tableDeletes("public").deleteItem).toEqual([]);
    expect(tableDeletes("documents").deleteItem).toEqual([]);
    expect(like(TABLE_DELETES.lease[0], keys.lease.pk)).toBe(true);
  });
  it("the core deletes and batch-writes nothing that TABLE_DELETES does not cover (a new delete fails here until the stack grants it)", () => {
    const core = join(import.meta.dirname, "..", "packages", "core", "src");
    const files = (readdirSync(core, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("db/") && !f.startsWith(`db${"\\"}`))
      .map((f) => ({ f, text: readFileSync(join(core, f), "utf8") }));
    const deleted = new Set<string>();
    for (const { f, text } of files) {
      for (const m of text.matchAll(/\bDelete:\s*\{\s*Key:\s*([\w.]+)/g)) deleted.add(m[1]!);
      expect(text, f).not.toMatch(/\b(DeleteCommand|BatchWriteCommand|DeleteRequest)\b/);
      if (/\bbatchPut\(/.test(text)) expect(f, "batchPut outside bank/").toMatch(/^bank[/\\]/);
    }
    // Each key builder deleted, and the partition TABLE_DELETES grants for it.
    expect([...deleted].sort()).toEqual(["bankKeys.entryMatch", "bankKeys.match", "keys.lease"]);
  });
});

describe("mail: the SES identity and the bounces coming back (issue 17 item 1)", () => {
  it("a configuration set keeps SES's suppression list and publishes bounces, complaints and rejections to an SNS topic SES may publish to", () => {
    const set = one(prod, "AWS::SES::ConfigurationSet");
    expect(set.SuppressionOptions).toEqual({ SuppressedReasons: ["BOUNCE", "COMPLAINT"] });
    const setId = ofType(prod, "AWS::SES::ConfigurationSet")[0]![0];
    const dest = one(prod, "AWS::SES::ConfigurationSetEventDestination");
    expect(refersTo(dest.ConfigurationSetName, setId!)).toBe(true);
    expect(dest.EventDestination.MatchingEventTypes).toEqual(["bounce", "complaint", "reject"]);
    expect(refersTo(dest.EventDestination.SnsDestination.TopicARN, "MailEvents")).toBe(true);
    const policy = ofType(prod, "AWS::SNS::TopicPolicy").find(([, r]) => refersTo(r.Properties.Topics, "MailEvents"))![1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain("ses.amazonaws.com");
    const outputs = prod.toJSON().Outputs;
    expect(refersTo(outputs.MailEventsTopicArn.Value, "MailEvents")).toBe(true);
    expect(refersTo(outputs.MailConfigurationSet.Value, setId!)).toBe(true);
  });
  it("declares the identity from MAIL_IDENTITY (a domain or one address), sending through the set; none and a warning without it", () => {
    expect(ofType(prod, "AWS::SES::EmailIdentity")).toHaveLength(0);
    for (const [setting, expected] of [
      ["Asso.Example.org", "asso.example.org"],
      ["tresorerie@asso.example.org", "tresorerie@asso.example.org"],
    ]) {
      const t = synth("prod", { mailIdentity: setting });
      const identity = one(t, "AWS::SES::EmailIdentity");
      expect(identity.EmailIdentity).toBe(expected);
      expect(refersTo(identity.ConfigurationSetAttributes.ConfigurationSetName, "MailConfig")).toBe(true);
    }
    expect(propsFromEnv({ MAIL_IDENTITY: " asso.example.org " }).mailIdentity).toBe("asso.example.org");
    expect(() => mailIdentityOf("pas une adresse")).toThrow(/MAIL_IDENTITY/);
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")) });
    const stack = new Stack(app, "test-prod", { env: { region: "eu-west-3" } });
    defineBackOffice(stack, { stage: "prod", bundleDir, webDir: WEB, settings: IDENTITY });
    Annotations.fromStack(stack).hasWarning("*", Match.stringLikeRegexp("No MAIL_IDENTITY"));
  });
  it("lets only the sending groups send, through the identity and the configuration set (ses:SendEmail, named in their environment)", () => {
    const t = synth("prod", { mailIdentity: "asso.example.org", mailSenders: ["people"] });
    for (const group of GROUPS) {
      const ses = statementsOf(t, group).filter((st) => actions(st).some((a) => a.startsWith("ses:")));
      const env = fnOf(t, group).Environment.Variables;
      if (group !== "people") {
        expect(ses, group).toHaveLength(0);
        expect(env.MAIL_CONFIGURATION_SET, group).toBeUndefined();
        // The settings' check "the e-mail sender is verified" knows the identity (issue 23), nobody else.
        if (group === "settings") expect(refersTo(env.MAIL_IDENTITY, "MailIdentity"), group).toBe(true);
        else expect(env.MAIL_IDENTITY, group).toBeUndefined();
        continue;
      }
      expect(ses).toHaveLength(1);
      expect(actions(ses[0]!)).toEqual(["ses:SendEmail", "ses:SendRawEmail"]);
      const res = ([] as unknown[]).concat(ses[0]!.Resource);
      expect(res).toHaveLength(2);
      expect(JSON.stringify(res[0])).toMatch(/:configuration-set\//);
      expect(refersTo(res[0], "MailConfig")).toBe(true);
      expect(JSON.stringify(res[1])).toMatch(/:identity\//);
      expect(refersTo(res[1], "MailIdentity")).toBe(true);
      expect(refersTo(env.MAIL_CONFIGURATION_SET, "MailConfig")).toBe(true);
      expect(refersTo(env.MAIL_IDENTITY, "MailIdentity")).toBe(true);
    }
    // By default only the outbox's function sends.
    const senders = GROUPS.filter((g) => statementsOf(prod, g).some((st) => actions(st).some((a) => a.startsWith("ses:"))));
    expect(senders).toEqual(["mail"]);
  });
  it("the outbox's worker is the mail function, run every minute (a run lease in the table keeps one run at a time, so the pace holds), and SES's events reach it", () => {
    const mailFn = ofType(prod, "AWS::Lambda::Function").find(([id]) => id.startsWith("Fnmail"))!;
    const rules = ofType(prod, "AWS::Events::Rule").filter(([, r]) => refersTo(r.Properties.Targets, mailFn[0]));
    expect(rules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(["rate(1 minute)"]);
    expect(mailFn[1].Properties.Timeout).toBe(60);
    const sub = ofType(prod, "AWS::SNS::Subscription").find(([, r]) => refersTo(r.Properties.TopicArn, "MailEvents"))![1];
    expect(sub.Properties.Protocol).toBe("lambda");
    expect(refersTo(sub.Properties.Endpoint, mailFn[0])).toBe(true);
    expect(fnOf(prod, "mail").Environment.Variables.MAIL_CONFIGURATION_SET).toBeDefined();
  });
  it("the settings' check 'the e-mail sender is verified' gets the deploy's verified senders (issue 23): MAIL_IDENTITY and EMAIL_VERIFIED_SENDERS", () => {
    const props = propsFromEnv({ ...IDENTITY, MAIL_IDENTITY: "asso.example.org", EMAIL_VERIFIED_SENDERS: "tresorerie@autre.example.org" });
    const t = synth("prod", props);
    const env = fnOf(t, "settings").Environment.Variables;
    expect(refersTo(env.MAIL_IDENTITY, "MailIdentity")).toBe(true);
    expect(env.EMAIL_VERIFIED_SENDERS).toBe("tresorerie@autre.example.org");
    expect(fnOf(t, "mail").Environment.Variables.EMAIL_VERIFIED_SENDERS).toBe("tresorerie@autre.example.org");
  });
});
