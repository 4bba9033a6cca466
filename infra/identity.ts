/**
 * The dev identity: what stands in for the Cognito user pool on one machine. It has its own RSA key
 * and JWKS, issues tokens shaped like Cognito ID tokens (`cognito:groups`), each with its `exp`, and
 * verifies them the way the HTTP API JWT authorizer does (signature against the JWKS, issuer,
 * audience, expiry; a token without `exp` is refused).
 */
import { createPrivateKey, sign as rsaSign, type JsonWebKey as NodeJwk } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";

export const DEV_ISSUER = "https://identity.asso.localhost/dev";
export const DEV_AUDIENCE = "asso-back-office-local";

export interface Identity {
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  /** A bearer token for these groups, valid `ttlSeconds` (1 h by default). */
  token(groups: string | string[], opts?: { ttlSeconds?: number; subject?: string; issuer?: string; audience?: string }): Promise<string>;
  /** The same token, signed synchronously (for the console's local sign-in route). */
  tokenSync(groups: string | string[], opts?: { ttlSeconds?: number; subject?: string }): string;
  /** The authorizer's checks; resolves to the claims or rejects. */
  verify(token: string): Promise<JWTPayload>;
}

/** The identity this process created last: `npm run dev` and each test stack create one before their gateway. */
let latest: Identity | undefined;
export const latestIdentity = (): Identity | undefined => latest;

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function newKey(): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  return { kid, privateJwk: await exportJWK(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

/** An identity with a key kept in `keyFile` (created on first use), or in memory when absent. */
export async function createIdentity(keyFile?: string): Promise<Identity> {
  let stored: StoredKey;
  if (keyFile && existsSync(keyFile)) stored = JSON.parse(readFileSync(keyFile, "utf8")) as StoredKey;
  else {
    stored = await newKey();
    if (keyFile) {
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, JSON.stringify(stored), { mode: 0o600 });
    }
  }
  const privateKey = await importJWK(stored.privateJwk, "RS256");
  const nodeKey = createPrivateKey({ key: stored.privateJwk as NodeJwk, format: "jwk" });
  const jwks = { keys: [stored.publicJwk] };
  const keySet = createLocalJWKSet(jwks);
  const claimsFor = (list: string[], subject: string | undefined) => ({
    "cognito:groups": list,
    token_use: "id",
    email: `${list[0] ?? "user"}@asso.localhost`,
    sub: subject ?? `dev-${list.join("-") || "nobody"}`,
  });
  const identity: Identity = {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    jwks,
    async token(groups, opts = {}) {
      const list = Array.isArray(groups) ? groups : [groups];
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ "cognito:groups": list, token_use: "id", email: `${list[0] ?? "user"}@asso.localhost` })
        .setProtectedHeader({ alg: "RS256", kid: stored.kid, typ: "JWT" })
        .setSubject(opts.subject ?? `dev-${list.join("-") || "nobody"}`)
        .setIssuer(opts.issuer ?? DEV_ISSUER)
        .setAudience(opts.audience ?? DEV_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + (opts.ttlSeconds ?? 3600))
        .sign(privateKey);
    },
    async verify(token) {
      // Like API Gateway's JWT authorizer: a token without `exp` is refused, whatever its signature.
      const { payload } = await jwtVerify(token, keySet, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ["RS256"],
        requiredClaims: ["exp", "iat", "sub"],
      });
      return payload;
    },
    tokenSync(groups, opts = {}) {
      const list = Array.isArray(groups) ? groups : [groups];
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ alg: "RS256", kid: stored.kid, typ: "JWT" }));
      const payload = b64url(
        JSON.stringify({ ...claimsFor(list, opts.subject), iss: DEV_ISSUER, aud: DEV_AUDIENCE, iat: now, exp: now + (opts.ttlSeconds ?? 3600) }),
      );
      return `${header}.${payload}.${b64url(rsaSign("sha256", Buffer.from(`${header}.${payload}`), nodeKey))}`;
    },
  };
  latest = identity;
  return identity;
}

/** The roles the local sign-in offers (the staff roles of the contract). */
export const DEV_ROLES = ["tresorier", "delegation", "auditor"] as const;

/**
 * The console's local sign-in: `GET /console/dev-token/<role>` answers `{ idToken, expiresIn }`, a
 * token from the dev identity. Served by the local gateway only (infra/web.ts); nothing in stacks/
 * deploys it, so it never exists in AWS.
 */
export function devSignInRoutes(identity: Identity, ttlSeconds = 3600): Record<string, { contentType: string; body: () => string; loopbackOnly: true }> {
  return Object.fromEntries(
    DEV_ROLES.map((role) => [
      `/console/dev-token/${role}`,
      {
        contentType: "application/json",
        body: () => JSON.stringify({ idToken: identity.tokenSync(role, { ttlSeconds }), expiresIn: ttlSeconds }),
        // Only to a page this machine serves: another site resolving to 127.0.0.1 (DNS rebinding) is refused.
        loopbackOnly: true,
      },
    ]),
  );
}
