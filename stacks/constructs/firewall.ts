/**
 * The edge firewall: an AWS WAF web ACL for CloudFront, with a rate rule per caller's address on
 * the routes a stranger can hammer — the public checkouts, the donor-access link request and the
 * Stripe webhook. A CloudFront web ACL (scope CLOUDFRONT) can only be created in us-east-1, so it
 * lives in a small stack of its own there (`defineFirewallStack`) and the main stack takes its ARN.
 *
 * Why a separate stack with CDK's cross-region references (`crossRegionReferences: true` on the
 * main stack) rather than a setting holding the ARN: one deploy (`sst deploy` / `cdk deploy --all`)
 * creates both in order, the ARN is never copied by hand, and CDK's exports writer (SSM parameters
 * in the main stack's region) refuses to remove an ACL the distribution still uses. The price is a
 * small custom resource in each stack, and the account bootstrapped in us-east-1 (docs/deploy.md).
 *
 * WAF counts the address CloudFront sees (the viewer's), so donors behind one edge location no
 * longer share a bucket; over the limit, WAF answers 429 itself with a French problem body and the
 * request never reaches API Gateway or Lambda.
 */
import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import { CfnWebACL } from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";
import { type RouteDef, routes } from "@asso/functions";

/** A CloudFront web ACL must be created here, whatever the main stack's region. */
export const FIREWALL_REGION = "us-east-1";

/** The contract's donor-access route (POST, public): rate-limited at the edge whether or not the route table has it yet. */
export const DONOR_ACCESS_PATH = "/v1/public/donor-access";

/**
 * Requests per caller's address over `windowSeconds` before WAF answers 429. The functions keep
 * their own, finer limits (the checkout's per-address bucket: 20 a minute, giving/abuse.ts); these
 * stop a flood before it costs anything. Stripe delivers webhooks from a handful of addresses, so
 * theirs is wide.
 */
export const EDGE_RATE_LIMITS = {
  checkout: { limit: 100, windowSeconds: 300 },
  donorAccess: { limit: 20, windowSeconds: 300 },
  webhook: { limit: 1000, windowSeconds: 300 },
} as const;
export type RateLimited = keyof typeof EDGE_RATE_LIMITS;

/** The paths each rate rule covers, from the route table (the checkouts, the webhook) and the contract (donor access). */
export function rateLimitedPaths(table: readonly RouteDef[] = routes): Record<RateLimited, string[]> {
  const paths = (pick: (r: RouteDef) => boolean) => [...new Set(table.filter(pick).map((r) => r.path))];
  return {
    checkout: paths((r) => r.auth === "public" && r.method === "POST" && r.path.endsWith("/checkout")),
    donorAccess: [...new Set([DONOR_ACCESS_PATH, ...paths((r) => r.auth === "public" && r.path === DONOR_ACCESS_PATH)])],
    webhook: paths((r) => r.group === "webhooks"),
  };
}

/** The body WAF answers with when a rate rule blocks (problem+json's fields, in French). */
export const RATE_LIMITED_BODY = JSON.stringify({
  type: "about:blank",
  title: "Trop de demandes",
  status: 429,
  detail: "Trop de demandes depuis votre adresse : réessayez dans quelques minutes.",
});

const pathStatement = (path: string): CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: "STARTS_WITH",
    searchString: path,
    textTransformations: [{ priority: 0, type: "URL_DECODE" }],
  },
});
const anyPath = (paths: string[]): CfnWebACL.StatementProperty =>
  paths.length === 1 ? pathStatement(paths[0]!) : { orStatement: { statements: paths.map(pathStatement) } };

const RULE_NAMES: Record<RateLimited, string> = { checkout: "rate-checkout", donorAccess: "rate-donor-access", webhook: "rate-webhook" };

/** The web ACL (scope CLOUDFRONT): allow by default, one rate rule per address for each rate-limited route family. */
export function defineWebAcl(scope: Construct, stage: string): CfnWebACL {
  const paths = rateLimitedPaths();
  const kinds = (Object.keys(EDGE_RATE_LIMITS) as RateLimited[]).filter((k) => paths[k].length > 0);
  const metric = (name: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${stage}-${name}` });
  return new CfnWebACL(scope, "EdgeAcl", {
    scope: "CLOUDFRONT",
    description: `Association back-office edge firewall (${stage}): rate limits per address`,
    defaultAction: { allow: {} },
    visibilityConfig: metric("edge"),
    customResponseBodies: { "rate-limited": { contentType: "APPLICATION_JSON", content: RATE_LIMITED_BODY } },
    rules: kinds.map((kind, priority) => ({
      name: RULE_NAMES[kind],
      priority,
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: "rate-limited" } } },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: "IP",
          limit: EDGE_RATE_LIMITS[kind].limit,
          evaluationWindowSec: EDGE_RATE_LIMITS[kind].windowSeconds,
          scopeDownStatement: anyPath(paths[kind]),
        },
      },
      visibilityConfig: metric(RULE_NAMES[kind]),
    })),
  });
}

/** The us-east-1 stack holding the web ACL; its `webAclArn` goes to `defineBackOffice` (`webAclArn`). */
export function defineFirewallStack(scope: Construct, id: string, stage: string, props: Omit<StackProps, "env"> & { account?: string } = {}) {
  const { account, ...rest } = props;
  const stack = new Stack(scope, id, {
    ...rest,
    env: { region: FIREWALL_REGION, ...(account ? { account } : {}) },
    description: `Association back-office edge firewall (${stage}), in ${FIREWALL_REGION} as CloudFront requires`,
  });
  const acl = defineWebAcl(stack, stage);
  new CfnOutput(stack, "WebAclArn", { value: acl.attrArn });
  return { stack, acl, webAclArn: acl.attrArn };
}
