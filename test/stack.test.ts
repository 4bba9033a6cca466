/** The AWS stack, synthesized offline and asserted (aws-cdk-lib assertions). */
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tableDefinition } from "@asso/core";
import { GROUP_NEEDS, GROUPS, routes, type RouteDef } from "@asso/functions";
import { defineBackOffice } from "../stacks/backoffice.js";
import { bundleAll } from "../stacks/bundle.js";
import { IDENTITY } from "./support/identity.js";

let bundleDir: string;
const synth = (stage: string) => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")) });
  const stack = new Stack(app, `test-${stage}`, { env: { region: "eu-west-3" } });
  defineBackOffice(stack, { stage, bundleDir, webDir: join(import.meta.dirname, "..", "web"), settings: { ...IDENTITY, RECEIPTS_ENABLED: "false" } });
  return Template.fromStack(stack);
};

let prod: Template;
let dev: Template;
beforeAll(() => {
  bundleDir = mkdtempSync(join(tmpdir(), "bundles-"));
  bundleAll(bundleDir);
  prod = synth("prod");
  dev = synth("dev");
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const statements = (t: Template): Statement[] =>
  Object.values(t.findResources("AWS::IAM::Policy")).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );

describe("the bundles", () => {
  // Bug: the reports, bank, webhooks and people groups render PDFs but shipped without their fonts.
  it("every group that renders a PDF ships the fonts beside its bundle (a PDF route without them fails in Lambda)", () => {
    const code = (g: string) =>
      readdirSync(join(bundleDir, g))
        .filter((f) => f.endsWith(".mjs"))
        .map((f) => readFileSync(join(bundleDir, g, f), "utf8"))
        .join("\n");
    const renderers = GROUPS.filter((g) => code(g).includes("DejaVuSans.ttf"));
    expect(renderers).toEqual(expect.arrayContaining(["documents", "reports", "bank"]));
    for (const g of renderers) for (const f of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]) expect(existsSync(join(bundleDir, g, f)), `${g}/${f}`).toBe(true);
  });
});

describe("the HTTP API", () => {
  it("has every route of the route table, with the JWT authorizer on staff routes only", () => {
    const found = prod.findResources("AWS::ApiGatewayV2::Route");
    const byKey = new Map(
      Object.values(found).map((r) => [
        (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
        (r as { Properties: { AuthorizationType?: string } }).Properties,
      ]),
    );
    expect(byKey.size).toBe(routes.length);
    for (const route of routes as readonly RouteDef[]) {
      const props = byKey.get(`${route.method} ${route.path}`);
      expect(props, `${route.method} ${route.path}`).toBeDefined();
      expect(props!.AuthorizationType ?? "NONE").toBe(route.auth === "public" ? "NONE" : "JWT");
    }
    prod.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: Match.objectLike({ Audience: Match.anyValue(), Issuer: Match.anyValue() }),
    });
  });
  it("has a Cognito user pool with the three staff groups", () => {
    for (const g of ["tresorier", "delegation", "auditor"]) prod.hasResourceProperties("AWS::Cognito::UserPoolGroup", { GroupName: g });
  });
});

describe("the table", () => {
  it("matches the one table definition, on demand, with point-in-time recovery", () => {
    prod.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey.name, KeyType: "HASH" },
        { AttributeName: tableDefinition.sortKey.name, KeyType: "RANGE" },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((ix) => ({
        IndexName: ix.indexName,
        KeySchema: [
          { AttributeName: ix.partitionKey.name, KeyType: "HASH" },
          { AttributeName: ix.sortKey.name, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      })),
    });
  });
  it("is protected from deletion outside dev stages", () => {
    prod.hasResource("AWS::DynamoDB::Table", { Properties: Match.objectLike({ DeletionProtectionEnabled: true }), DeletionPolicy: "Retain" });
    dev.hasResourceProperties("AWS::DynamoDB::Table", { DeletionProtectionEnabled: false });
  });
});

describe("the functions", () => {
  it("are one per handler group, Node.js 22 on arm64, with log retention", () => {
    const all = prod.findResources("AWS::Lambda::Function");
    // Besides ours, only CDK's deploy-time helper that copies the public page to its bucket.
    expect(Object.keys(all).filter((id) => !id.startsWith("Fn"))).toEqual([expect.stringMatching(/^CustomCDKBucketDeployment/)]);
    const fns = Object.entries(all)
      .filter(([id]) => id.startsWith("Fn"))
      .map(([, f]) => (f as { Properties: { Runtime: string; Architectures: string[] } }).Properties);
    expect(fns).toHaveLength(GROUPS.length);
    for (const f of fns) {
      expect(Number(/^nodejs(\d+)\.x$/.exec(f.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
      expect(f.Architectures).toEqual(["arm64"]);
    }
    // One per function, and the API's access logs.
    prod.resourceCountIs("AWS::Logs::LogGroup", GROUPS.length + 1);
    prod.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: Match.anyValue() });
  });
  it("have least-privilege IAM: no wildcard actions, no `*` resources, no managed policies", () => {
    const all = statements(prod);
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) {
      const actions = ([] as string[]).concat(s.Action);
      for (const a of actions) expect(a.endsWith(":*") || a === "*", a).toBe(false);
      const resources = ([] as unknown[]).concat(s.Resource);
      for (const r of resources) expect(r).not.toBe("*");
    }
    for (const [id, role] of Object.entries(prod.findResources("AWS::IAM::Role")))
      if (id.startsWith("Role")) expect((role as { Properties: { ManagedPolicyArns?: unknown } }).Properties.ManagedPolicyArns, id).toBeUndefined();
  });
  it("give table access only to the groups that need it", () => {
    const withTable = Object.entries(prod.findResources("AWS::IAM::Policy"))
      .filter(([, p]) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement.some((s) =>
          ([] as string[]).concat(s.Action).some((a) => a.startsWith("dynamodb:")),
        ),
      )
      .map(([id]) => id);
    expect(withTable.length).toBe(GROUPS.filter((g) => GROUP_NEEDS[g].table !== "none").length);
    for (const g of GROUPS)
      expect(
        withTable.some((id) => id.startsWith(`Role${g}DefaultPolicy`)),
        g,
      ).toBe(GROUP_NEEDS[g].table !== "none");
  });
  it("get the association's settings from the deploy", () => {
    for (const [id, f] of Object.entries(prod.findResources("AWS::Lambda::Function")))
      if (id.startsWith("Fn"))
        expect((f as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables).toMatchObject({
          ASSO_SIREN: "912345678",
          RECEIPTS_ENABLED: "false",
        });
  });
  it("keep the Stripe keys in Secrets Manager, readable only by the groups that call Stripe", () => {
    const stripeSecrets = Object.keys(prod.findResources("AWS::SecretsManager::Secret")).filter((id) => id.startsWith("Stripe"));
    // One restricted key per use: the checkout, the webhook's reads, the donor space's portal.
    expect(stripeSecrets).toHaveLength(3);
    const readers = statements(prod).filter((s) =>
      ([] as unknown[]).concat(s.Resource).some((r) => stripeSecrets.some((id) => JSON.stringify(r).includes(id))),
    );
    expect(readers).toHaveLength(GROUPS.filter((g) => GROUP_NEEDS[g].stripe).length);
  });
});

describe("the public page", () => {
  it("is served from a private bucket through CloudFront, which forwards /v1/* to the API", () => {
    prod.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    prod.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: "index.html",
        CacheBehaviors: Match.arrayWith([Match.objectLike({ PathPattern: "/v1/*", AllowedMethods: Match.arrayWith(["POST"]) })]),
      }),
    });
    prod.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
  });
});

describe("the ledger sweep", () => {
  it("invokes the ledger function every 5 minutes", () => {
    const rules = (
      Object.values(prod.findResources("AWS::Events::Rule")) as {
        Properties: { ScheduleExpression: string; Targets: { Arn: { "Fn::GetAtt": string[] } }[] };
      }[]
    ).filter((r) => !r.Properties.Targets[0]!.Arn["Fn::GetAtt"][0]!.startsWith("Fnmail")); // the mail outbox's worker: test/stack-hardening.test.ts
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.ScheduleExpression).toBe("rate(5 minutes)");
    expect(rules[0]!.Properties.Targets[0]!.Arn["Fn::GetAtt"][0]).toMatch(/^Fnledger/);
  });
});

describe("alarms", () => {
  it("watch API 5xx answers and each function's errors", () => {
    prod.hasResourceProperties("AWS::CloudWatch::Alarm", { MetricName: "5xx", Namespace: "AWS/ApiGateway" });
    const errorAlarms = Object.values(prod.findResources("AWS::CloudWatch::Alarm")).filter(
      (a) => (a as { Properties: { MetricName: string } }).Properties.MetricName === "Errors",
    );
    expect(errorAlarms).toHaveLength(GROUPS.length);
  });
});

describe("the scheduled runs (EventBridge Scheduler)", () => {
  type ScheduleProps = {
    ScheduleExpression: string;
    ScheduleExpressionTimezone?: string;
    Target: { Arn: { "Fn::GetAtt": string[] }; Input: string; RoleArn: { "Fn::GetAtt": string[] } };
  };
  const schedules = () => Object.values(prod.findResources("AWS::Scheduler::Schedule")).map((s) => (s as { Properties: ScheduleProps }).Properties);
  it("send the renewal reminders daily at 08:00 Paris, and the recaps on 15 January, to the people function", () => {
    const byJob = new Map(schedules().map((s) => [(JSON.parse(s.Target.Input) as { job: string }).job, s]));
    expect([...byJob.keys()].sort()).toEqual(["annual-recap", "personal-data-retention", "renewal-reminders"]);
    expect(byJob.get("personal-data-retention")!.ScheduleExpression).toBe("cron(0 3 1 * ? *)");
    const reminders = byJob.get("renewal-reminders")!;
    expect(reminders.ScheduleExpression).toBe("cron(0 8 * * ? *)");
    expect(reminders.ScheduleExpressionTimezone).toBe("Europe/Paris");
    expect(byJob.get("annual-recap")!.ScheduleExpression).toBe("cron(0 8 15 1 ? *)");
    for (const s of byJob.values()) {
      expect(s.Target.Arn["Fn::GetAtt"][0]).toMatch(/^Fnpeople/);
      expect(JSON.parse(s.Target.Input)).toMatchObject({ source: "asso.schedule" });
      expect(s.Target.RoleArn["Fn::GetAtt"][0]).toMatch(/^SchedulesRole/);
    }
  });
  it("through a role the scheduler alone assumes, allowed to invoke the people function only; the people function has PUBLIC_BASE_URL for the renewal links", () => {
    const roles = Object.entries(prod.findResources("AWS::IAM::Role")).filter(([id]) => id.startsWith("SchedulesRole"));
    expect(roles).toHaveLength(1);
    const trust = JSON.stringify((roles[0]![1] as { Properties: { AssumeRolePolicyDocument: unknown } }).Properties.AssumeRolePolicyDocument);
    expect(trust).toContain("scheduler.amazonaws.com");
    expect(trust).toContain("aws:SourceAccount");
    const policies = Object.entries(prod.findResources("AWS::IAM::Policy")).filter(([id]) => id.startsWith("SchedulesRole"));
    const actions = policies.flatMap(([, p]) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement.flatMap((s) =>
        ([] as string[]).concat(s.Action),
      ),
    );
    expect([...new Set(actions)]).toEqual(["lambda:InvokeFunction"]);
    expect(JSON.stringify(policies)).toMatch(/Fnpeople/);
    expect(JSON.stringify(policies)).not.toMatch(/Fn(ledger|public|webhooks|bank|grants|reports|settings|documents|system)/);
    const people = Object.entries(prod.findResources("AWS::Lambda::Function")).find(([id]) => id.startsWith("Fnpeople"))![1] as {
      Properties: { Environment: { Variables: Record<string, unknown> }; Timeout: number };
    };
    expect(people.Properties.Environment.Variables.PUBLIC_BASE_URL).toBeDefined();
    expect(people.Properties.Timeout).toBe(900);
  });
});
