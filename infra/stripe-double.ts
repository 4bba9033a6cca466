/**
 * The Stripe test double: the subset of the Stripe HTTP API the back-office calls (same paths, same
 * object shapes, secret-key auth, form-encoded bodies, idempotency keys), so the official `stripe`
 * client talks to it unchanged; plus development routes that stand in for a customer paying and
 * for the Stripe dashboard. Events are signed with the webhook secret (Stripe-Signature
 * `t=…,v1=…`) and delivered to the webhook URL; failed deliveries are retried with backoff.
 * It listens on 127.0.0.1 only, and its checkout page escapes everything it shows.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { frenchAmount } from "@asso/core/money";
import { isLoopbackHost } from "./loopback.js";

type Obj = Record<string, unknown> & { id: string; object: string };

export interface StripeDoubleOptions {
  secretKey: string;
  webhookSecret: string;
  /** Where events are delivered (the back-office's POST /v1/webhooks/stripe). */
  webhookUrl: string;
  /** Delays between delivery attempts after a failure (ms). Live Stripe retries for 3 days. */
  retryDelaysMs?: number[];
}

export interface DeliveryAttempt {
  at: string;
  status: number | "network-error";
}

const FEE_PERCENT_TENTHS = 15; // 1.5 %
const FEE_FIXED = 25; // 0.25 EUR

/** Stripe's standard EEA card price: 1.5 % + 0.25 EUR, in cents. */
export const stripeFee = (amount: number) => Math.round((amount * FEE_PERCENT_TENTHS) / 1000) + FEE_FIXED;

/** Text for HTML (element content and quoted attributes). */
export const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(/[&<>"'`]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" })[c]!);

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

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

class StripeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
  ) {
    super(message);
  }
}

export function createStripeDouble(opts: StripeDoubleOptions) {
  const objects = new Map<string, Obj>();
  const events: Array<Obj & { attempts: DeliveryAttempt[] }> = [];
  const idempotent = new Map<string, { status: number; body: string }>();
  /** Every Idempotency-Key the API received, in order (tests check what clients send). */
  const idempotencyKeys: string[] = [];
  /** API calls told to fail (`POST /__dev/failures`), first match by method and path prefix. */
  const failures: Array<{ method: string; path: string; status: number; type: string; code?: string; remaining: number }> = [];
  const retryDelays = opts.retryDelaysMs ?? [1000, 2000, 4000, 8000, 16000, 32000];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const put = <T extends Obj>(o: T): T => {
    objects.set(o.id, o);
    return o;
  };
  const get = (oid: string, object?: string): Obj => {
    const o = objects.get(oid);
    if (!o || (object && o.object !== object)) throw new StripeError(404, `No such ${object ?? "object"}: '${oid}'`);
    return o;
  };
  const unix = (at?: unknown) => Math.floor((at ? new Date(String(at)) : new Date()).getTime() / 1000);

  // ------------------------------------------------------------ events and delivery

  const sign = (payload: string, t: number) => `t=${t},v1=${createHmac("sha256", opts.webhookSecret).update(`${t}.${payload}`).digest("hex")}`;

  async function attempt(event: Obj & { attempts: DeliveryAttempt[] }): Promise<boolean> {
    const { attempts, ...wire } = event;
    const payload = JSON.stringify(wire, null, 2);
    let status: DeliveryAttempt["status"];
    try {
      const res = await fetch(opts.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": sign(payload, Math.floor(Date.now() / 1000)),
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body: payload,
      });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = "network-error";
    }
    attempts.push({ at: new Date().toISOString(), status });
    return typeof status === "number" && status >= 200 && status < 300;
  }

  /** Delivers an event now; on failure schedules the retries in the background. */
  async function deliver(event: Obj & { attempts: DeliveryAttempt[] }, retry = 0): Promise<void> {
    if (closed) return;
    if ((await attempt(event)) || retry >= retryDelays.length) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void deliver(event, retry + 1);
    }, retryDelays[retry]);
    timers.add(timer);
  }

  async function emit(type: string, object: Obj, at?: unknown): Promise<Obj> {
    const event = {
      id: id("evt"),
      object: "event",
      api_version: "2026-10-28.endive",
      created: unix(at),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(object) },
      attempts: [] as DeliveryAttempt[],
    };
    events.unshift(event);
    await deliver(event);
    return event;
  }

  // ------------------------------------------------------------ money movements

  function balanceTransaction(amount: number, fee: number, type: string, source: string, created: number, currency = "eur"): Obj {
    return put({
      id: id("txn"),
      object: "balance_transaction",
      amount,
      fee,
      net: amount - fee,
      currency,
      type,
      source,
      status: "available",
      created,
      available_on: created,
      fee_details: fee ? [{ amount: fee, currency, type: "stripe_fee", description: "Stripe processing fees", application: null }] : [],
      reporting_category: type === "charge" ? "charge" : type,
      payout: null,
    });
  }

  function charge(amount: number, customer: string, pi: string, metadata: unknown, created: number, method = "card", currency = "eur"): Obj {
    const ch = put({
      id: id("ch"),
      object: "charge",
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      currency,
      captured: true,
      paid: true,
      refunded: false,
      disputed: false,
      status: "succeeded",
      customer,
      payment_intent: pi,
      metadata,
      created,
      balance_transaction: "",
      payment_method_details: { type: method },
      refunds: { object: "list", data: [], has_more: false },
    });
    ch.balance_transaction = balanceTransaction(amount, stripeFee(amount), "charge", ch.id, created, currency).id;
    return ch;
  }

  function paymentIntent(amount: number, customer: string, metadata: unknown, created: number, status = "succeeded", currency = "eur"): Obj {
    return put({
      id: id("pi"),
      object: "payment_intent",
      amount,
      amount_received: status === "succeeded" ? amount : 0,
      currency,
      customer,
      metadata,
      created,
      status,
      latest_charge: null,
    });
  }

  function payIntent(pi: Obj, created: number, method = "card"): Obj {
    const ch = charge(pi.amount as number, pi.customer as string, pi.id, pi.metadata, created, method, String(pi.currency ?? "eur"));
    pi.latest_charge = ch.id;
    pi.status = "succeeded";
    pi.amount_received = pi.amount;
    return ch;
  }

  function invoiceFor(sub: Obj, created: number, reason: string, paid: boolean): { invoice: Obj; charge?: Obj } {
    const amount = sub.amount as number;
    const pi = paymentIntent(amount, sub.customer as string, sub.metadata, created, paid ? "succeeded" : "requires_payment_method");
    const ch = paid ? payIntent(pi, created) : undefined;
    const invoice = put({
      id: id("in"),
      object: "invoice",
      status: paid ? "paid" : "open",
      amount_due: amount,
      amount_paid: paid ? amount : 0,
      amount_remaining: paid ? 0 : amount,
      attempt_count: 1,
      currency: "eur",
      customer: sub.customer,
      customer_email: sub.customer_email,
      subscription: sub.id,
      parent: { type: "subscription_details", subscription_details: { subscription: sub.id, metadata: sub.metadata } },
      charge: ch?.id ?? null,
      payment_intent: pi.id,
      payments: {
        object: "list",
        data: ch ? [{ object: "invoice_payment", payment: { type: "charge", charge: ch.id, payment_intent: pi.id } }] : [],
        has_more: false,
      },
      billing_reason: reason,
      created,
      period_start: created,
      period_end: created + 30 * 86400,
      status_transitions: { paid_at: paid ? created : null },
      lines: { object: "list", data: [{ amount, currency: "eur", description: "Don mensuel" }], has_more: false },
    });
    sub.latest_invoice = invoice.id;
    return { invoice, charge: ch };
  }

  // ------------------------------------------------------------ API: checkout

  function createSession(p: Record<string, unknown>): Obj {
    const mode = String(p.mode ?? "payment");
    if (!["payment", "subscription"].includes(mode)) throw new StripeError(400, `Invalid mode: ${mode}`);
    const items = (p.line_items as Array<Record<string, unknown>> | undefined) ?? [];
    if (!items.length) throw new StripeError(400, "Missing required param: line_items.");
    let amount = 0;
    let currency = "eur";
    for (const li of items) {
      const pd = li.price_data as Record<string, unknown> | undefined;
      if (!pd?.unit_amount) throw new StripeError(400, "Missing required param: line_items[0][price_data][unit_amount].");
      if (mode === "subscription" && !(pd.recurring as Record<string, unknown> | undefined)?.interval)
        throw new StripeError(400, "Subscription mode needs a recurring price.");
      amount += Number(pd.unit_amount) * Number(li.quantity ?? 1);
      currency = String(pd.currency ?? currency).toLowerCase();
    }
    if (!p.success_url) throw new StripeError(400, "Missing required param: success_url.");
    const s = put({
      id: id("cs"),
      object: "checkout.session",
      mode,
      status: "open",
      payment_status: "unpaid",
      amount_total: amount,
      amount_subtotal: amount,
      currency,
      customer: null,
      customer_email: p.customer_email ?? null,
      customer_details: null,
      client_reference_id: p.client_reference_id ?? null,
      metadata: p.metadata ?? {},
      locale: p.locale ?? null,
      success_url: p.success_url,
      cancel_url: p.cancel_url ?? null,
      payment_intent: null,
      subscription: null,
      created: unix(),
      expires_at: unix() + 24 * 3600,
      livemode: false,
      url: "",
      __subscription_metadata: (p.subscription_data as Record<string, unknown> | undefined)?.metadata ?? {},
      __payment_metadata: (p.payment_intent_data as Record<string, unknown> | undefined)?.metadata ?? p.metadata ?? {},
      __product: String(((items[0]!.price_data as Record<string, unknown>).product_data as Record<string, unknown> | undefined)?.name ?? ""),
    });
    s.url = `${baseUrl}/c/pay/${s.id}`;
    return s;
  }

  const publicView = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("__")));

  /** The customer pays: the session completes and its events are delivered. */
  async function completeSession(sid: string, at?: unknown, asyncPayment = false): Promise<Obj> {
    const s = get(sid, "checkout.session");
    if (s.status !== "open") throw new StripeError(400, `Checkout session ${sid} is ${s.status}.`);
    const created = unix(at);
    const email = (s.customer_email as string | null) ?? "client@example.org";
    const customer = put({ id: id("cus"), object: "customer", email, name: null, created });
    s.customer = customer.id;
    s.customer_details = { email, name: null };
    s.status = "complete";
    if (s.mode === "payment") {
      const pi = paymentIntent(
        s.amount_total as number,
        customer.id,
        s.__payment_metadata,
        created,
        asyncPayment ? "processing" : "succeeded",
        String(s.currency),
      );
      s.payment_intent = pi.id;
      if (!asyncPayment) payIntent(pi, created);
      s.payment_status = asyncPayment ? "unpaid" : "paid";
      await emit("checkout.session.completed", publicView(s) as Obj, at);
    } else {
      const sub = put({
        id: id("sub"),
        object: "subscription",
        status: "active",
        customer: customer.id,
        customer_email: email,
        metadata: s.__subscription_metadata,
        amount: s.amount_total,
        currency: "eur",
        items: { object: "list", data: [{ price: { unit_amount: s.amount_total, currency: "eur", recurring: { interval: "month", interval_count: 1 } } }] },
        created,
        canceled_at: null,
        latest_invoice: null,
      });
      s.subscription = sub.id;
      s.payment_status = "paid";
      const { invoice } = invoiceFor(sub, created, "subscription_create", true);
      await emit("checkout.session.completed", publicView(s) as Obj, at);
      await emit("invoice.paid", invoice, at);
    }
    return s;
  }

  // ------------------------------------------------------------ HTTP

  let baseUrl = "";

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "request-id": id("req") });
    res.end(JSON.stringify(body));
  };

  async function readBody(req: IncomingMessage): Promise<string> {
    let s = "";
    for await (const c of req) s += c;
    return s;
  }

  function list(data: Obj[], url: string) {
    return { object: "list", data, has_more: false, url };
  }

  /** The customer's page: everything shown is escaped (names, e-mail, URLs come from callers). */
  function payPage(s: Obj): string {
    const euros = frenchAmount(s.amount_total as number);
    const cancel = /^https?:\/\//i.test(String(s.cancel_url ?? "")) ? String(s.cancel_url) : "";
    const currency = String(s.currency).toUpperCase();
    return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Paiement (double de test Stripe)</title></head><body style="font-family:sans-serif;max-width:30rem;margin:2rem auto">
<h1>Paiement de test</h1><p id="product">${escapeHtml(s.__product)}</p>
<p>Montant : <strong>${escapeHtml(euros)} ${currency === "EUR" ? "€" : escapeHtml(currency)}</strong>${s.mode === "subscription" ? " par mois" : ""}</p>
${s.customer_email ? `<p id="email">${escapeHtml(s.customer_email)}</p>` : ""}
<form method="post" action="/c/pay/${escapeHtml(s.id)}"><button type="submit" id="pay">Payer</button></form>
${cancel ? `<p><a href="${escapeHtml(cancel)}">Annuler</a></p>` : ""}</body></html>`;
  }

  /** A copy of `o` with the ids at each dotted path replaced by their objects (Stripe's `expand`). */
  function expanded(o: Obj, paths: unknown): Obj {
    const out = structuredClone(o);
    for (const path of Array.isArray(paths) ? paths : paths ? [paths] : []) {
      let node: Record<string, unknown> | undefined = out;
      for (const seg of String(path).split(".")) {
        if (!node || typeof node !== "object") break;
        const v = node[seg];
        if (typeof v === "string" && objects.has(v)) node[seg] = structuredClone(objects.get(v));
        node = node[seg] as Record<string, unknown> | undefined;
      }
    }
    return out;
  }

  /** The account's balance: every balance transaction's net, by currency (all available; nothing pending). */
  function balance() {
    const byCurrency = new Map<string, number>([["eur", 0]]);
    for (const t of objects.values())
      if (t.object === "balance_transaction") byCurrency.set(String(t.currency), (byCurrency.get(String(t.currency)) ?? 0) + (t.net as number));
    return {
      object: "balance",
      livemode: false,
      available: [...byCurrency].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } })),
      pending: [...byCurrency.keys()].map((currency) => ({ amount: 0, currency, source_types: { card: 0 } })),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const path = url.pathname;
    // Like Stripe's own hosts, the double answers only under its names (127.0.0.1, localhost): a
    // page on another site whose name resolves here (DNS rebinding) sends its own name and is refused.
    if (!isLoopbackHost(req.headers.host)) return json(res, 421, { error: { type: "invalid_request_error", message: "Unknown host." } });
    const body = await readBody(req);
    let m: RegExpExecArray | null;

    // The customer's checkout page (no API key).
    if ((m = /^\/c\/pay\/([\w]+)$/.exec(path))) {
      const s = get(m[1]!, "checkout.session");
      if (method === "GET") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(payPage(s));
      }
      await completeSession(s.id);
      res.writeHead(303, { location: String(s.success_url).replace("{CHECKOUT_SESSION_ID}", s.id) });
      return res.end();
    }

    // Development routes (the dashboard and the customer).
    if (path.startsWith("/__dev/")) {
      // JSON only, and never from another site's page: a browser's cross-site form or fetch carries
      // a foreign Origin or a form content type, both refused (a dashboard action is the developer's).
      const origin = req.headers.origin;
      if (origin && !isLoopbackHost(URL.canParse(origin) ? new URL(origin).host : undefined))
        return json(res, 403, { error: { type: "invalid_request_error", message: "Development routes refuse other sites." } });
      const type = String(req.headers["content-type"] ?? "")
        .split(";")[0]!
        .trim()
        .toLowerCase();
      if (body && type !== "application/json")
        return json(res, 415, { error: { type: "invalid_request_error", message: "Development routes take JSON only." } });
      let p: Record<string, unknown> = {};
      try {
        p = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      } catch {
        return json(res, 400, { error: { type: "invalid_request_error", message: "The body is not JSON." } });
      }
      if (method === "GET" && path === "/__dev/events") return json(res, 200, { data: events });
      // Makes API calls fail as Stripe would (a key lacking a permission, a missing object, an outage).
      if (method === "POST" && path === "/__dev/failures") {
        const f = {
          method: String(p.method ?? "GET").toUpperCase(),
          path: String(p.path ?? ""),
          status: Number(p.status ?? 403),
          type: String(p.type ?? (Number(p.status ?? 403) === 403 ? "invalid_request_error" : "api_error")),
          ...(p.code ? { code: String(p.code) } : {}),
          remaining: Number(p.times ?? Number.POSITIVE_INFINITY),
        };
        if (!f.path.startsWith("/v1/")) throw new StripeError(400, "path must start with /v1/");
        failures.push(f);
        return json(res, 200, { failures: failures.length });
      }
      if (method === "POST" && path === "/__dev/failures/clear") {
        failures.length = 0;
        return json(res, 200, { failures: 0 });
      }
      if (method === "POST" && (m = /^\/__dev\/events\/(\w+)\/redeliver$/.exec(path))) {
        const e = events.find((x) => x.id === m![1]);
        if (!e) throw new StripeError(404, `No such event: ${m[1]}`);
        await attempt(e);
        return json(res, 200, e);
      }
      if (method === "POST" && (m = /^\/__dev\/checkout\/sessions\/(\w+)\/complete$/.exec(path)))
        return json(res, 200, publicView(await completeSession(m[1]!, p.at, p.async === true)));
      if (method === "POST" && (m = /^\/__dev\/checkout\/sessions\/(\w+)\/async$/.exec(path))) {
        const s = get(m[1]!, "checkout.session");
        const pi = get(String(s.payment_intent), "payment_intent");
        if (p.succeeded === false) {
          pi.status = "requires_payment_method";
          await emit("checkout.session.async_payment_failed", publicView(s) as Obj, p.at);
        } else {
          payIntent(pi, unix(p.at), "sepa_debit");
          s.payment_status = "paid";
          await emit("checkout.session.async_payment_succeeded", publicView(s) as Obj, p.at);
        }
        return json(res, 200, publicView(s));
      }
      if (method === "POST" && (m = /^\/__dev\/checkout\/sessions\/(\w+)\/expire$/.exec(path))) {
        const s = get(m[1]!, "checkout.session");
        s.status = "expired";
        await emit("checkout.session.expired", publicView(s) as Obj, p.at);
        return json(res, 200, publicView(s));
      }
      if (method === "POST" && (m = /^\/__dev\/subscriptions\/(\w+)\/renew$/.exec(path))) {
        const sub = get(m[1]!, "subscription");
        if (sub.status !== "active") throw new StripeError(400, `Subscription ${sub.id} is ${sub.status}.`);
        const { invoice } = invoiceFor(sub, unix(p.at), "subscription_cycle", p.fail !== true);
        await emit(p.fail === true ? "invoice.payment_failed" : "invoice.paid", invoice, p.at);
        return json(res, 200, invoice);
      }
      if (method === "POST" && path === "/__dev/payouts") {
        const payoutCurrency = String(p.currency ?? "eur").toLowerCase();
        const txns = [...objects.values()].filter(
          (o) => o.object === "balance_transaction" && o.type !== "payout" && !o.payout && String(o.currency) === payoutCurrency,
        );
        const amount = txns.reduce((s, t) => s + (t.net as number), 0);
        if (amount <= 0) throw new StripeError(400, "Nothing to pay out.");
        const created = unix(p.at);
        const po = put({
          id: id("po"),
          object: "payout",
          amount,
          currency: payoutCurrency,
          status: "paid",
          arrival_date: created,
          created,
          balance_transaction: "",
          failure_code: null,
          method: "standard",
        });
        po.balance_transaction = balanceTransaction(-amount, 0, "payout", po.id, created, payoutCurrency).id;
        for (const t of txns) t.payout = po.id;
        await emit("payout.paid", po, p.at);
        return json(res, 200, po);
      }
      if (method === "POST" && (m = /^\/__dev\/payouts\/(\w+)\/fail$/.exec(path))) {
        const po = get(m[1]!, "payout");
        po.status = "failed";
        po.failure_code = "account_closed";
        await emit("payout.failed", po, p.at);
        return json(res, 200, po);
      }
      if (method === "POST" && (m = /^\/__dev\/refunds\/(\w+)\/(succeed|fail)$/.exec(path))) {
        const re = get(m[1]!, "refund");
        const ch = get(String(re.charge), "charge");
        const at = unix(p.at);
        if (m[2] === "succeed") {
          if (re.status !== "pending") throw new StripeError(400, `Refund ${re.id} is ${re.status}.`);
          re.status = "succeeded";
          re.balance_transaction = balanceTransaction(-(re.amount as number), 0, "refund", re.id, at, String(re.currency)).id;
        } else {
          if (re.status !== "pending" && re.status !== "succeeded") throw new StripeError(400, `Refund ${re.id} is ${re.status}.`);
          // Money already taken from the balance comes back.
          if (re.status === "succeeded") balanceTransaction(re.amount as number, 0, "refund_failure", re.id, at, String(re.currency));
          re.status = "failed";
          re.failure_reason = "expired_or_canceled_card";
          ch.amount_refunded = (ch.amount_refunded as number) - (re.amount as number);
          ch.refunded = false;
        }
        await emit("charge.refund.updated", re, p.at);
        return json(res, 200, re);
      }
      if (method === "POST" && (m = /^\/__dev\/charges\/(\w+)\/dispute$/.exec(path))) {
        const ch = get(m[1]!, "charge");
        ch.disputed = true;
        const created = unix(p.at);
        const dp = put({
          id: id("dp"),
          object: "dispute",
          amount: ch.amount,
          currency: "eur",
          charge: ch.id,
          payment_intent: ch.payment_intent,
          status: "needs_response",
          reason: "fraudulent",
          created,
          balance_transactions: [] as Obj[],
        });
        (dp.balance_transactions as Obj[]).push(balanceTransaction(-(ch.amount as number), 1500, "adjustment", dp.id, created, String(ch.currency)));
        await emit("charge.dispute.created", dp, p.at);
        return json(res, 200, dp);
      }
      if (method === "POST" && (m = /^\/__dev\/disputes\/(\w+)\/close$/.exec(path))) {
        const dp = get(m[1]!, "dispute");
        dp.status = p.status === "won" ? "won" : "lost";
        if (dp.status === "won") (dp.balance_transactions as Obj[]).push(balanceTransaction(dp.amount as number, 0, "adjustment", dp.id, unix(p.at)));
        await emit("charge.dispute.closed", dp, p.at);
        return json(res, 200, dp);
      }
      throw new StripeError(404, `Unrecognized request URL (${method}: ${path}).`);
    }

    // The Stripe API: secret-key auth, form bodies, idempotency keys.
    const auth = req.headers.authorization ?? "";
    const key = auth.startsWith("Bearer ") ? auth.slice(7) : auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString().split(":")[0] : "";
    if (key !== opts.secretKey) return json(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided." } });
    const failure = failures.find((f) => f.remaining > 0 && f.method === method && path.startsWith(f.path));
    if (failure) {
      failure.remaining--;
      const message =
        failure.status === 403
          ? `The provided key '${key.slice(0, 8)}…' does not have the required permissions for this endpoint (${method} ${path}).`
          : failure.status === 404
            ? `No such object: '${path.split("/").at(-1)}'`
            : "The Stripe test double was told to fail this request.";
      return json(res, failure.status, { error: { type: failure.type, message, ...(failure.code ? { code: failure.code } : {}) } });
    }
    const idemKey = req.headers["idempotency-key"];
    if (method === "POST" && typeof idemKey === "string") idempotencyKeys.push(idemKey);
    if (method === "POST" && typeof idemKey === "string") {
      const seen = idempotent.get(`${path}:${idemKey}`);
      if (seen) {
        res.writeHead(seen.status, { "content-type": "application/json", "idempotent-replayed": "true" });
        return res.end(seen.body);
      }
    }
    const p = method === "POST" ? parseForm(body) : parseForm(url.search.slice(1));
    let out: unknown;
    const status = 200;
    if (method === "POST" && path === "/v1/checkout/sessions") out = publicView(createSession(p));
    else if (method === "GET" && (m = /^\/v1\/checkout\/sessions\/(\w+)$/.exec(path))) out = publicView(get(m[1]!, "checkout.session"));
    else if (method === "POST" && (m = /^\/v1\/checkout\/sessions\/(\w+)\/expire$/.exec(path))) {
      const s = get(m[1]!, "checkout.session");
      s.status = "expired";
      await emit("checkout.session.expired", publicView(s) as Obj);
      out = publicView(s);
    } else if (
      method === "GET" &&
      (m = /^\/v1\/(payment_intents|charges|balance_transactions|invoices|subscriptions|payouts|refunds|disputes|customers)\/(\w+)$/.exec(path))
    )
      out = expanded(get(m[2]!), p.expand);
    else if (method === "GET" && path === "/v1/balance") out = balance();
    else if (method === "GET" && (m = /^\/v1\/(payment_intents|charges|payouts|disputes|subscriptions|invoices|customers)$/.exec(path))) {
      const object = {
        payment_intents: "payment_intent",
        charges: "charge",
        payouts: "payout",
        disputes: "dispute",
        subscriptions: "subscription",
        invoices: "invoice",
        customers: "customer",
      }[m[1]!];
      const limit = Math.min(100, Number(p.limit ?? 10) || 10);
      out = list([...objects.values()].filter((o) => o.object === object).slice(0, limit), path);
    } else if (method === "GET" && path === "/v1/balance_transactions") {
      const payout = p.payout as string | undefined;
      out = list(
        [...objects.values()].filter((o) => o.object === "balance_transaction" && (!payout || o.payout === payout || o.source === payout)),
        path,
      );
    } else if (method === "GET" && path === "/v1/refunds") {
      out = list(
        [...objects.values()].filter((o) => o.object === "refund" && (!p.charge || o.charge === p.charge)),
        path,
      );
    } else if (method === "POST" && path === "/v1/refunds") {
      const ch = get(String(p.charge ?? ""), "charge");
      const remaining = (ch.amount as number) - (ch.amount_refunded as number);
      const amount = p.amount === undefined ? remaining : Number(p.amount);
      if (!(amount > 0) || amount > remaining)
        throw new StripeError(400, `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining}).`);
      const created = unix();
      // A SEPA debit is refunded by transfer: the refund stays pending until it succeeds (or fails).
      const pending = (ch.payment_method_details as { type?: string } | undefined)?.type === "sepa_debit";
      const re = put({
        id: id("re"),
        object: "refund",
        amount,
        charge: ch.id,
        payment_intent: ch.payment_intent,
        currency: String(ch.currency),
        status: pending ? "pending" : "succeeded",
        created,
        balance_transaction: "",
        reason: p.reason ?? null,
        failure_reason: null,
        metadata: p.metadata ?? {},
      });
      if (!pending) re.balance_transaction = balanceTransaction(-amount, 0, "refund", re.id, created, String(ch.currency)).id;
      ch.amount_refunded = (ch.amount_refunded as number) + amount;
      ch.refunded = ch.amount_refunded === ch.amount;
      (ch.refunds as { data: Obj[] }).data.unshift(re);
      await emit("charge.refunded", ch, undefined);
      out = re;
    } else if (
      (method === "DELETE" && (m = /^\/v1\/subscriptions\/(\w+)$/.exec(path))) ||
      (method === "POST" && (m = /^\/v1\/subscriptions\/(\w+)\/cancel$/.exec(path)))
    ) {
      const sub = get(m[1]!, "subscription");
      sub.status = "canceled";
      sub.canceled_at = unix();
      await emit("customer.subscription.deleted", sub);
      out = sub;
    } else throw new StripeError(404, `Unrecognized request URL (${method}: ${path}).`);
    const text = JSON.stringify(out);
    if (method === "POST" && typeof idemKey === "string") idempotent.set(`${path}:${idemKey}`, { status, body: text });
    res.writeHead(status, { "content-type": "application/json", "request-id": id("req") });
    res.end(text);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (err instanceof StripeError) return json(res, err.status, { error: { type: err.type, message: err.message } });
      json(res, 500, { error: { type: "api_error", message: "The Stripe test double failed." } });
    });
  });

  return {
    server,
    objects,
    events,
    idempotencyKeys,
    /** Listens on 127.0.0.1 only: the double takes no key worth protecting, so it is never exposed. */
    async listen(port = 12111) {
      const host = "127.0.0.1";
      await new Promise<void>((ok, ko) => {
        server.once("error", ko);
        server.listen(port, host, () => ok());
      });
      const a = server.address();
      const actual = typeof a === "object" && a ? a.port : port;
      baseUrl = `http://${host}:${actual}`;
      return { url: baseUrl, port: actual };
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      return new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
export type StripeDouble = ReturnType<typeof createStripeDouble>;
