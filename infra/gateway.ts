/**
 * The local API gateway: a Node HTTP server that does what API Gateway HTTP API does in front of
 * our Lambdas. It matches the request against the one route table, runs the JWT authorizer checks
 * on staff routes, builds the payload 2.0 event (raw body as a string for text types, base64 for
 * the rest, exactly as API Gateway does), invokes the same handler module Lambda runs, and writes
 * its result back.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Context } from "aws-lambda";
import { routes, type Group, type HttpEvent, type HttpResult, type RouteDef } from "@asso/functions";
import { securityHeaders, type HeaderKind } from "@asso/functions/headers";
import type { Identity } from "./identity.js";

/** API Gateway's own payload limit (10 MB); each route applies its smaller limit itself. */
export const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
export type HandlerLoader = (group: Group) => Promise<Handler>;

/** Loads `packages/functions/src/handlers/<group>.ts`, the module Lambda runs (bundled there). */
export const loadHandlerModule: HandlerLoader = async (group) =>
  ((await import(`../packages/functions/src/handlers/${group}.ts`)) as { handler: Handler }).handler;

interface CompiledRoute {
  route: RouteDef;
  regex: RegExp;
  names: string[];
}

function compile(route: RouteDef): CompiledRoute {
  const names: string[] = [];
  const pattern = route.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\+?\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { route, regex: new RegExp(`^${pattern}$`), names };
}

const TEXT_TYPES = /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript)\b)/i;

/** True when API Gateway hands this body as a plain string rather than base64. */
export function isTextBody(contentType: string | undefined): boolean {
  return !!contentType && TEXT_TYPES.test(contentType);
}

const problemBody = (status: number, title: string, detail: string, slug: string) => JSON.stringify({ type: `/problems/${slug}`, title, status, detail });

/**
 * The security headers CloudFront's response headers policies add in AWS (same definitions):
 * they replace whatever the answer carried. The console's presigned uploads go to the local S3.
 */
function edgeHeaders(kind: HeaderKind): Record<string, string> {
  const s3 = process.env.S3_ENDPOINT ? new URL(process.env.S3_ENDPOINT).origin : undefined;
  return securityHeaders(kind, kind === "console" && s3 ? { connect: [s3] } : {});
}

const kindOf = (path: string): HeaderKind => (path.startsWith("/v1/") ? "api" : path === "/console" || path.startsWith("/console/") ? "console" : "page");

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string, kind: HeaderKind = "api") {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  res.writeHead(status, { ...out, ...edgeHeaders(kind) });
  res.end(body);
}

function sendProblem(res: ServerResponse, status: number, title: string, detail: string, slug: string) {
  send(res, status, { "content-type": "application/problem+json" }, problemBody(status, title, detail, slug));
}

/** API Gateway stringifies JWT claims; an array becomes "[a b]". */
function claimsAsApiGateway(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) out[k] = Array.isArray(v) ? `[${v.join(" ")}]` : String(v);
  return out;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A path segment as API Gateway hands it: percent-decoded; a malformed escape is the caller's fault (400). */
function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

import { isLoopbackHost } from "./loopback.js";

export { isLoopbackHost };

/** A file or answer the gateway serves beside the API (the pages, the console, the local sign-in). */
export interface StaticRoute {
  contentType: string;
  body: () => string | Buffer;
  /** Served only to a request whose Host is this machine's loopback (the dev sign-in: DNS rebinding). */
  loopbackOnly?: boolean;
}

export interface GatewayOptions {
  identity: Identity;
  /** Environment the handlers see (TABLE_NAME, DYNAMODB_ENDPOINT, …); set on process.env. */
  env?: Record<string, string>;
  loadHandler?: HandlerLoader;
  /** Extra non-API paths served as-is (the public page in dev). */
  staticRoutes?: Record<string, StaticRoute>;
}

type Authorizer = NonNullable<HttpEvent["requestContext"]["authorizer"]>;

/** The first route of the table for this method and path, with the path's parameter values (still encoded). */
function findRoute(compiled: CompiledRoute[], method: string, pathname: string): { c: CompiledRoute; values: string[] } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(pathname);
    if (m) return { c, values: m.slice(1) };
  }
  return undefined;
}

/** What the JWT authorizer passes on for a bearer token: its claims; "missing" or "invalid" for a 401. */
async function authorizerOf(identity: Identity, authorization: string | undefined): Promise<Authorizer | "missing" | "invalid"> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!m) return "missing";
  try {
    const claims = await identity.verify(m[1]!);
    return { jwt: { claims: claimsAsApiGateway(claims as Record<string, unknown>), scopes: null } };
  } catch {
    return "invalid";
  }
}

/** The API Gateway HTTP API (payload 2.0) event of a request, as a Lambda receives it. */
function toEvent(r: {
  req: IncomingMessage;
  url: URL;
  method: string;
  route: RouteDef;
  names: string[];
  pathParameters: Record<string, string>;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: Buffer;
  authorizer: Authorizer | undefined;
}): HttpEvent {
  const { req, url, method, route, names, pathParameters, headers, query, body, authorizer } = r;
  const now = new Date();
  const text = isTextBody(headers["content-type"]);
  return {
    version: "2.0",
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(names.length ? { pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "127",
      http: { method, path: url.pathname, protocol: "HTTP/1.1", sourceIp: req.socket.remoteAddress ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(authorizer ? { authorizer } : {}),
    },
    ...(body.length ? { body: text ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

/** A handler's answer as API Gateway sends it: status, headers, cookies, the body decoded from base64 when it says so. */
function sendResult(res: ServerResponse, result: HttpResult): void {
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) outHeaders[k] = String(v);
  const outBody = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body;
  if (result.cookies?.length) res.setHeader("set-cookie", result.cookies);
  send(res, result.statusCode ?? 200, outHeaders, outBody);
}

export function createGateway(opts: GatewayOptions): Server {
  Object.assign(process.env, opts.env ?? {});
  const compiled = (routes as readonly RouteDef[]).map(compile);
  const loader = opts.loadHandler ?? loadHandlerModule;
  const handlers = new Map<Group, Promise<Handler>>();

  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const method = (req.method ?? "GET").toUpperCase();
      const extra = opts.staticRoutes?.[url.pathname];
      if (extra && method === "GET") {
        if (extra.loopbackOnly && !isLoopbackHost(req.headers.host))
          return sendProblem(res, 403, "Forbidden", "The local sign-in answers on 127.0.0.1 or localhost only.", "forbidden");
        return send(res, 200, { "content-type": extra.contentType }, extra.body(), kindOf(url.pathname));
      }

      const match = findRoute(compiled, method, url.pathname);
      if (!match) {
        // A page that does not exist: the French 404 page (as CloudFront answers for the site), never for the API.
        const page = opts.staticRoutes?.["/404.html"];
        if (page && (method === "GET" || method === "HEAD") && !url.pathname.startsWith("/v1/"))
          return send(res, 404, { "content-type": page.contentType }, page.body(), "page");
        return sendProblem(res, 404, "Not found", `No route ${method} ${url.pathname}.`, "not-found");
      }
      const { route } = match.c;

      const body = await readBody(req, GATEWAY_MAX_BODY);
      if (body === "too-large") return sendProblem(res, 413, "Payload too large", `The body is over ${GATEWAY_MAX_BODY} bytes.`, "payload-too-large");

      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;

      const authorizer = route.auth === "public" ? undefined : await authorizerOf(opts.identity, headers.authorization);
      if (authorizer === "missing") return sendProblem(res, 401, "Unauthorized", "A bearer token is required.", "unauthorized");
      if (authorizer === "invalid") return sendProblem(res, 401, "Unauthorized", "The bearer token is invalid or expired.", "unauthorized");

      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
      const decoded = match.values.map(decodeSegment);
      if (decoded.some((v) => v === undefined))
        return send(
          res,
          400,
          { "content-type": "application/problem+json" },
          JSON.stringify({
            type: "/problems/validation",
            title: "Invalid request",
            status: 400,
            detail: "1 invalid field",
            errors: match.c.names.filter((_n, i) => decoded[i] === undefined).map((n) => ({ path: n, message: "is not valid percent-encoding" })),
          }),
        );
      const pathParameters = Object.fromEntries(match.c.names.map((n, i) => [n, decoded[i]!]));
      const event = toEvent({ req, url, method, route, names: match.c.names, pathParameters, headers, query, body, authorizer });

      let handler = handlers.get(route.group);
      if (!handler) handlers.set(route.group, (handler = loader(route.group)));
      const context = { awsRequestId: event.requestContext.requestId, functionName: `local-${route.group}` } as Context;
      const result = await (await handler)(event, context);
      return sendResult(res, result);
    } catch {
      // Like API Gateway when the integration fails: a 500 with no internals.
      if (!res.headersSent) sendProblem(res, 500, "Internal error", "The integration failed.", "internal");
      else res.end();
    }
  });
}

export function listen(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((ok, ko) => {
    server.once("error", ko);
    server.listen(port, host, () => {
      const a = server.address();
      ok(typeof a === "object" && a ? a.port : port);
    });
  });
}
