/**
 * The stack's hardening (issues 10, 11, 12), asserted on the offline synth: staff sign-in, secrets
 * and least privilege, abuse limits, security headers and the origin check, access logs, the files
 * bucket, the identity check at synth, the console behind CloudFront, and no dependency cycle.
 */
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { keys } from "@asso/core/ledger/keys";
import { GROUP_NEEDS, GROUPS, PUBLIC_LEADING_KEYS, routes, type Group, type RouteDef } from "@asso/functions";
import { contentSecurityPolicy } from "@asso/functions/headers";
import { ACCESS_LOG_FORMAT, defineBackOffice, THROTTLE, TOKEN_LIFETIME, type BackOfficeProps } from "../stacks/backoffice.js";
import { bundleAll } from "../stacks/bundle.js";
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
    const checkout = (routes as readonly RouteDef[]).filter((r) => r.group === "public" && r.method === "POST");
    expect(checkout.length).toBeGreaterThanOrEqual(2);
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
    expect(fnOf(prod, "webhooks").ReservedConcurrentExecutions).toBeUndefined();
    expect(fnOf(synth("prod", { publicConcurrency: null }), "public").ReservedConcurrentExecutions).toBeUndefined();
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
  it("always has an alarm topic, given as an output; e-mail only with ALARM_EMAIL (bug: alarms went nowhere without it)", () => {
    expect(ofType(prod, "AWS::SNS::Topic")).toHaveLength(1);
    expect(refersTo(prod.toJSON().Outputs.AlarmTopicArn.Value, "Alarms")).toBe(true);
    expect(ofType(prod, "AWS::SNS::Subscription")).toHaveLength(0);
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
  it("a non-dev stage without the identity does not synthesize, naming every missing setting (bug: demo identity printed in production)", () => {
    let message = "";
    try {
      synth("prod", { settings: { ASSO_NAME: "Les Amis du Canal" } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/prod/);
    for (const name of ["ASSO_ADDRESS", "ASSO_OBJECT", "ASSO_SIREN or ASSO_RNA", "ASSO_SIGNATORY_NAME", "ASSO_SIGNATORY_QUALITY"])
      expect(message).toContain(name);
    expect(message).not.toContain("ASSO_NAME,");
    expect(() => synth("prod", { settings: {} })).toThrow(/ASSO_NAME/);
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
