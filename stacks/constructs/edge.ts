/**
 * The edge: CloudFront in front of everything (the giving page and the console from a private
 * bucket, the API under /v1/*), with the security headers of packages/functions/src/headers.ts,
 * the origin secret header the functions require, and the viewer's address passed to the API; its
 * access logs (the viewer's address, recorded nowhere else) in a private log bucket; the edge
 * firewall's web ACL when there is one (constructs/firewall.ts); a custom domain with TLS 1.2 at
 * least; then the one deployment of the site files (page, console, the console's config.json).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { Certificate } from "aws-cdk-lib/aws-certificatemanager";
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
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import type { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, CacheControl, type ISource, Source } from "aws-cdk-lib/aws-s3-deployment";
import type { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS, type HeaderKind, ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from "@asso/functions/headers";
import type { StackContext } from "./context.js";

export interface EdgeInputs {
  api: HttpApi;
  originSecret: Secret;
  /** The hosted UI's host, and the files bucket's name: the console's CSP names both. */
  authHost: string;
  filesBucketName: string;
  /** The edge firewall's web ACL (constructs/firewall.ts), if any. */
  webAclArn?: string;
  /** A custom domain: its names and its ACM certificate (in us-east-1, as CloudFront requires). */
  customDomain?: CustomDomain;
  /** The public pages' folder (web/): the edge knows its files, and answers its 404 page for any other. */
  webDir: string;
}

export interface CustomDomain {
  domainNames: string[];
  certificateArn: string;
}

/**
 * The oldest TLS a viewer may use on a custom domain: CloudFront's security policy `TLSv1.2_2021`
 * (setting `minimumProtocolVersion`, template `ViewerCertificate.MinimumProtocolVersion`). The
 * default `*.cloudfront.net` address has CloudFront's own policy, which no setting changes.
 */
export const MINIMUM_VIEWER_TLS = SecurityPolicyProtocol.TLS_V1_2_2021;

/** Days the CloudFront access logs (viewer addresses: personal data) are kept. */
export const EDGE_LOG_RETENTION_DAYS = 365;

/** The edge's two buckets: its access logs and the static site (the giving page, the console). */
function edgeBuckets(ctx: StackContext) {
  const { scope } = ctx;
  // CloudFront's standard logs are written with an ACL grant: the bucket keeps ACLs (owner
  // preferred) but blocks every public one, and SSE-S3 (CloudFront cannot write SSE-KMS objects).
  const edgeLogs = new Bucket(scope, "EdgeLogs", {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ id: "edge-logs-expire", expiration: Duration.days(EDGE_LOG_RETENTION_DAYS) }],
    removalPolicy: ctx.retain,
  });
  const site = new Bucket(scope, "Site", {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: false,
  });
  return { edgeLogs, site };
}

/** The security headers of pages, API answers and the console (packages/functions/src/headers.ts). */
function edgeHeaders(ctx: StackContext, authHost: string, filesBucketName: string) {
  const { scope, region } = ctx;
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
  return { pageHeaders, apiHeaders, consoleHeaders };
}

/** The site's files as request paths (`/index.html`, `/espace/index.html`…), the console's left out. */
function siteFiles(webDir: string): string[] {
  const walk = (dir: string, prefix: string): string[] =>
    readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? (prefix === "" && d.name === "console" ? [] : walk(dir, `${prefix}${d.name}/`)) : [`/${prefix}${d.name}`],
    );
  return walk(webDir, "").sort();
}

/**
 * Pretty URLs (`/merci` → `/merci.html`, `/espace/` → `/espace/index.html`), and the French 404
 * page (web/404.html, status 404) for a path that is no file of the site. CloudFront's own error
 * pages are set per distribution and would replace the API's 403 and 404 answers too, and the
 * bucket (behind OAC) answers 403 for a missing key: the edge knows the site's files instead.
 */
export function prettyUrlsCode(webDir: string): string {
  const known = JSON.stringify(Object.fromEntries(siteFiles(webDir).map((f) => [f, 1])));
  const page = JSON.stringify(readFileSync(join(webDir, "404.html"), "utf8"));
  return [
    "var KNOWN = ",
    known,
    "; var NOT_FOUND = ",
    page,
    "; function handler(event) { var r = event.request;",
    " if (r.uri === '/console') return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/console/' } } };",
    " if (r.uri !== '/' && r.uri.endsWith('/')) r.uri += 'index.html'; else if (r.uri !== '/' && r.uri.indexOf('.') < 0) r.uri += '.html';",
    " if (r.uri !== '/' && !KNOWN[r.uri]) return { statusCode: 404, statusDescription: 'Not Found', headers: { 'content-type': { value: 'text/html; charset=utf-8' }, 'cache-control': { value: 'no-store' } }, body: { encoding: 'text', data: NOT_FOUND } };",
    " return r; }",
  ].join("");
}

/** The CloudFront Functions run on viewer requests: pretty URLs and the 404 page, the console's fallback, the viewer's address for the API. */
function edgeFunctions(ctx: StackContext, webDir: string) {
  const { scope } = ctx;
  const prettyUrls = new CfFunction(scope, "PrettyUrls", {
    code: FunctionCode.fromInline(prettyUrlsCode(webDir)),
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
  return { prettyUrls, consoleFallback, viewerIp };
}

export function defineEdge(ctx: StackContext, { api, originSecret, authHost, filesBucketName, webAclArn, customDomain, webDir }: EdgeInputs) {
  const { scope, region } = ctx;
  const { edgeLogs, site } = edgeBuckets(ctx);
  const { pageHeaders, apiHeaders, consoleHeaders } = edgeHeaders(ctx, authHost, filesBucketName);
  const { prettyUrls, consoleFallback, viewerIp } = edgeFunctions(ctx, webDir);
  const siteOrigin = S3BucketOrigin.withOriginAccessControl(site);
  const distribution = new Distribution(scope, "Cdn", {
    defaultRootObject: "index.html",
    enableLogging: true,
    logBucket: edgeLogs,
    logFilePrefix: "cloudfront/",
    logIncludesCookies: false,
    ...(webAclArn ? { webAclId: webAclArn } : {}),
    ...(customDomain
      ? {
          domainNames: customDomain.domainNames,
          certificate: Certificate.fromCertificateArn(scope, "EdgeCertificate", customDomain.certificateArn),
          minimumProtocolVersion: MINIMUM_VIEWER_TLS,
          sslSupportMethod: SSLMethod.SNI,
        }
      : {}),
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
  // With a custom domain, it is the address donors and staff use (Stripe's return URLs, the console's callbacks).
  const siteUrl = customDomain ? `https://${customDomain.domainNames[0]}` : `https://${distribution.distributionDomainName}`;
  return { site, edgeLogs, distribution, siteUrl };
}

export interface SiteFilesInputs {
  site: Bucket;
  webDir: string;
  consoleDir?: string;
  userPool: UserPool;
  client: UserPoolClient;
  authHost: string;
  consoleOrigin: string;
}

/**
 * One deployment for the whole bucket (two would prune each other's files): the page, and the
 * console with the config.json it reads (client id, hosted UI) written at deploy time.
 */
export function deploySiteFiles({ scope, stage, region }: StackContext, i: SiteFilesInputs) {
  const sources: ISource[] = [Source.asset(i.webDir, { exclude: ["console", "console/**"] })];
  if (i.consoleDir && existsSync(i.consoleDir)) sources.push(Source.asset(i.consoleDir));
  sources.push(
    // The shape web/console/src/auth.ts reads (ConsoleConfig, `auth: "cognito"`).
    Source.jsonData("console/config.json", {
      auth: "cognito",
      domain: `https://${i.authHost}`,
      clientId: i.client.userPoolClientId,
      redirectUri: `${i.consoleOrigin}/console/`,
      logoutUri: `${i.consoleOrigin}/console/`,
      scopes: ["openid", "email", "profile"],
      stage,
      region,
      userPoolId: i.userPool.userPoolId,
    }),
  );
  // Short cache lifetimes instead of an invalidation: CDK grants invalidations on every distribution ("*").
  return new BucketDeployment(scope, "SiteFiles", {
    sources,
    destinationBucket: i.site,
    cacheControl: [CacheControl.maxAge(Duration.minutes(5))],
  });
}
