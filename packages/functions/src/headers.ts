/**
 * The security headers every answer carries: written once here, set by CloudFront's response
 * headers policies in AWS (stacks/backoffice.ts) and by the local gateway (infra/gateway.ts), so
 * the two cannot drift.
 *
 * - `page`: the public giving page (same-origin script, style and API calls only).
 * - `console`: the staff console; it also talks to the Cognito hosted UI's token endpoint and
 *   uploads files to the bucket with presigned PUTs (`connect` adds those origins).
 * - `api`: JSON, PDFs and exports: nothing may run or be framed.
 */
export type HeaderKind = "page" | "console" | "api";

/** HSTS: one year, subdomains included (no preload: that is the association's domain decision). */
export const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;
export const REFERRER_POLICY = "no-referrer";

export interface CspOptions {
  /** Origins added to `connect-src` (the Cognito domain, the files bucket). */
  connect?: readonly string[];
}

export function contentSecurityPolicy(kind: HeaderKind, opts: CspOptions = {}): string {
  if (kind === "api") return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  const connect = ["'self'", ...(opts.connect ?? [])].join(" ");
  const common = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ];
  if (kind === "page") return [...common, "img-src 'self' data:", "object-src 'none'", "form-action 'self'"].join("; ");
  // The console shows receipt PDFs and charts: blob: for downloaded files, data: for images.
  return [...common, "img-src 'self' data: blob:", "frame-src 'self' blob:", "object-src 'self' blob:", "form-action 'self'"].join("; ");
}

/** The headers as the browser receives them (names in lower case). */
export function securityHeaders(kind: HeaderKind, opts: CspOptions = {}): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(kind, opts),
    "strict-transport-security": `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
    "x-frame-options": "DENY",
    "referrer-policy": REFERRER_POLICY,
    "x-content-type-options": "nosniff",
  };
}

/** The header CloudFront adds to every request it forwards to the API; the Lambdas refuse requests without it. */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify";

/** The header CloudFront sets (a viewer-request function) to the caller's address, replacing any the client sent. */
export const VIEWER_IP_HEADER = "x-viewer-ip";
