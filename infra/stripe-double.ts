/**
 * The Stripe test double: the subset of the Stripe HTTP API the back-office calls (same paths, same
 * object shapes, secret-key auth, form-encoded bodies, idempotency keys), so the official `stripe`
 * client talks to it unchanged; plus development routes that stand in for a customer paying and
 * for the Stripe dashboard. Events are signed with the webhook secret (Stripe-Signature
 * `t=…,v1=…`) and delivered to the webhook URL; failed deliveries are retried with backoff.
 * It listens on 127.0.0.1 only, and its pages escape everything they show.
 *
 * Like the gateway, it is route tables (infra/stripe-double/*.ts: `pageRoutes`, `devRoutes`,
 * `apiRoutes`), one dispatcher here, and one shared state object.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { apiRoutes } from "./stripe-double/api.js";
import { escapeHtml, page } from "./stripe-double/html.js";
import { devRoutes } from "./stripe-double/dev.js";
import { pageRoutes } from "./stripe-double/pages.js";
import { type Answer, table } from "./stripe-double/router.js";
import { createState, newId, type State, type StripeDoubleOptions, StripeError } from "./stripe-double/state.js";
import { isLoopbackHost } from "./loopback.js";

export { escapeHtml } from "./stripe-double/html.js";
export { stripeFee } from "./stripe-double/money.js";
export type { DeliveryAttempt, StripeDoubleOptions } from "./stripe-double/state.js";

/** `a[b][0][c]=v` form encoding (what stripe-node sends) → nested objects and arrays. */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const pair of body.split("&")) {
    if (!pair) continue;
    const [rawKey, rawValue = ""] = pair.split("=");
    const key = decodeURIComponent(rawKey!.replace(/\+/g, " "));
    const value = decodeURIComponent(rawValue.replace(/\+/g, " "));
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = root;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = value;
      else node = (node[seg] ??= {}) as Record<string, unknown>;
    });
  }
  const arrays = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length && keys.every((k) => /^\d+$/.test(k))) return keys.sort((a, b) => Number(a) - Number(b)).map((k) => arrays(o[k]));
    return Object.fromEntries(keys.map((k) => [k, arrays(o[k])]));
  };
  return arrays(root) as Record<string, unknown>;
}

const pages = table(pageRoutes);
const dev = table(devRoutes);
const api = table(apiRoutes);

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json", "request-id": newId("req") });
  res.end(JSON.stringify(body));
};

const refusal = (status: number, message: string) => ({ refused: { status, body: { error: { type: "invalid_request_error", message } } } });

async function readBody(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const c of req) s += c;
  return s;
}

function write(res: ServerResponse, answer: Answer) {
  if ("redirect" in answer) {
    res.writeHead(303, { location: answer.redirect });
    return res.end();
  }
  if ("html" in answer) {
    res.writeHead(answer.status ?? 200, { "content-type": "text/html; charset=utf-8" });
    return res.end(answer.html);
  }
  json(res, answer.status ?? 200, answer.json);
}

/**
 * The development door: JSON only, and never from another site's page (a browser's cross-site form
 * or fetch carries a foreign Origin or a form content type, both refused: a dashboard action is the developer's).
 */
function devDoor(req: IncomingMessage, body: string): { p: Record<string, unknown> } | ReturnType<typeof refusal> {
  const origin = req.headers.origin;
  if (origin && !isLoopbackHost(URL.canParse(origin) ? new URL(origin).host : undefined)) return refusal(403, "Development routes refuse other sites.");
  const type = String(req.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
  if (body && type !== "application/json") return refusal(415, "Development routes take JSON only.");
  try {
    return { p: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
  } catch {
    return refusal(400, "The body is not JSON.");
  }
}

/** The API door: the secret key, the failures the developer asked for, idempotent replays. */
function apiDoor(
  s: State,
  req: IncomingMessage,
  method: string,
  path: string,
): { key: string } | { refused: { status: number; body: unknown } } | { replay: string; status: number } {
  const auth = req.headers.authorization ?? "";
  const key = auth.startsWith("Bearer ") ? auth.slice(7) : auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString().split(":")[0]! : "";
  if (key !== s.opts.secretKey) return refusal(401, "Invalid API Key provided.");
  const failure = s.failures.find((f) => f.remaining > 0 && f.method === method && path.startsWith(f.path));
  if (failure) {
    failure.remaining--;
    const message =
      failure.status === 403
        ? `The provided key '${key.slice(0, 8)}…' does not have the required permissions for this endpoint (${method} ${path}).`
        : failure.status === 404
          ? `No such object: '${path.split("/").at(-1)}'`
          : "The Stripe test double was told to fail this request.";
    return { refused: { status: failure.status, body: { error: { type: failure.type, message, ...(failure.code ? { code: failure.code } : {}) } } } };
  }
  const idemKey = req.headers["idempotency-key"];
  if (method === "POST" && typeof idemKey === "string") {
    s.idempotencyKeys.push(idemKey);
    const seen = s.idempotent.get(`${path}:${idemKey}`);
    if (seen) return { replay: seen.body, status: seen.status };
  }
  return { key };
}

/** A customer's page that fails answers a page, not JSON (an unknown session or subscription, a bad card number). */
async function pageAnswer(run: () => Answer | Promise<Answer>): Promise<Answer> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    const text = err.status === 404 ? "Cette page n'existe pas ou n'est plus valable." : err.message;
    return { status: err.status, html: page("Erreur", `<h1>Erreur</h1><p id="error">${escapeHtml(text)}</p>`) };
  }
}

/** The one dispatcher: the host, then the door (page, development, API), then the row. */
async function handle(s: State, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = req.method ?? "GET";
  const path = url.pathname;
  // Like Stripe's own hosts, the double answers only under its names (127.0.0.1, localhost): a
  // page on another site whose name resolves here (DNS rebinding) sends its own name and is refused.
  if (!isLoopbackHost(req.headers.host)) return json(res, 421, { error: { type: "invalid_request_error", message: "Unknown host." } });
  const body = await readBody(req);
  const unknown = () => new StripeError(404, `Unrecognized request URL (${method}: ${path}).`);

  const pageRow = pages.match(method, path);
  if (pageRow) return write(res, await pageAnswer(() => pageRow.route.handler({ s, params: pageRow.params, p: parseForm(body), method, path })));

  if (path.startsWith("/__dev/")) {
    const door = devDoor(req, body);
    if ("refused" in door) return json(res, door.refused.status, door.refused.body);
    const row = dev.match(method, path);
    if (!row) throw unknown();
    return write(res, await row.route.handler({ s, params: row.params, p: door.p, method, path }));
  }

  const door = apiDoor(s, req, method, path);
  if ("refused" in door) return json(res, door.refused.status, door.refused.body);
  if ("replay" in door) {
    res.writeHead(door.status, { "content-type": "application/json", "idempotent-replayed": "true" });
    return res.end(door.replay);
  }
  const row = api.match(method, path);
  if (!row) throw unknown();
  const answer = await row.route.handler({ s, params: row.params, p: parseForm(method === "POST" ? body : url.search.slice(1)), method, path });
  const idemKey = req.headers["idempotency-key"];
  if (method === "POST" && typeof idemKey === "string" && "json" in answer)
    s.idempotent.set(`${path}:${idemKey}`, { status: answer.status ?? 200, body: JSON.stringify(answer.json) });
  write(res, answer);
}

export function createStripeDouble(opts: StripeDoubleOptions) {
  const s = createState(opts);
  const server: Server = createServer((req, res) => {
    handle(s, req, res).catch((err) => {
      if (err instanceof StripeError) return json(res, err.status, { error: { type: err.type, message: err.message } });
      json(res, 500, { error: { type: "api_error", message: "The Stripe test double failed." } });
    });
  });

  return {
    server,
    objects: s.objects,
    events: s.events,
    idempotencyKeys: s.idempotencyKeys,
    /** Listens on 127.0.0.1 only: the double takes no key worth protecting, so it is never exposed. */
    async listen(port = 12111) {
      const host = "127.0.0.1";
      await new Promise<void>((ok, ko) => {
        server.once("error", ko);
        server.listen(port, host, () => ok());
      });
      const a = server.address();
      const actual = typeof a === "object" && a ? a.port : port;
      s.baseUrl = `http://${host}:${actual}`;
      return { url: s.baseUrl, port: actual };
    },
    close() {
      s.closed = true;
      for (const t of s.timers) clearTimeout(t);
      return new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
export type StripeDouble = ReturnType<typeof createStripeDouble>;
