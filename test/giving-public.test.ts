/**
 * The public checkout hardened (issue 12): return URLs only on PUBLIC_BASE_URL (Origin is not
 * trusted), Idempotency-Key scoped by caller, bounded, expiring and never sent to Stripe as is,
 * abandoned checkouts' personal data expiring after 30 days, per-address and global token buckets
 * (429 problem+json with Retry-After), an optional CAPTCHA, the giving settings the page reads,
 * and the Stripe double listening on 127.0.0.1 only with an escaped checkout page.
 */
import { randomUUID } from "node:crypto";
import { postEvent, withEnv } from "./support/lambda.js";
import { createServer, type Server } from "node:http";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpEvent } from "@asso/functions";
import { startTestStack, type TestStack } from "./support/stack.js";
import { checkout, donation, pay, stripeApi, stripeEntries } from "./support/giving.js";

let stack: TestStack;
let publicHandler: (e: HttpEvent) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;
beforeAll(async () => {
  // Tests from 127.0.0.1 are not rate-limited here; the rate tests set their own rules.
  stack = await startTestStack({ TAX_REDUCTION_PERCENT: "75", CHECKOUT_IP_BURST: "1000", CHECKOUT_IP_PER_MINUTE: "10000" });
  ({ handler: publicHandler } = (await import("../packages/functions/src/handlers/public.js")) as never);
});
afterAll(() => stack.close());

const DONATE = "/v1/public/donations/checkout";
const body = (email = "pub@example.org", extra: Record<string, unknown> = {}) =>
  donation(2500, { receipt: false, donor: { email, firstName: "Pu", lastName: "Blic" }, ...extra });

/** The public Lambda called as API Gateway would, from the address `ip`. */
const fromIp = (ip: string, payload: unknown, headers: Record<string, string> = {}, path = DONATE) => publicHandler(postEvent(path, payload, ip, headers));

describe("open redirect", () => {
  const refused: Array<[string, Record<string, string>, string]> = [
    ["a successUrl on another site", { successUrl: "https://evil.example/merci" }, "successUrl"],
    ["a cancelUrl on another site", { cancelUrl: "https://evil.example/" }, "cancelUrl"],
    ["a successUrl on the same host but another port", { successUrl: "http://127.0.0.1:1/merci" }, "successUrl"],
    ["a successUrl with credentials", { successUrl: "http://user:pw@127.0.0.1/merci" }, "successUrl"],
  ];
  for (const [name, urls, path] of refused)
    it(`refuses ${name} (400 naming ${path}), writing nothing at Stripe`, async () => {
      const before = stack.stripe.objects.size;
      const res = await stack.call("POST", DONATE, { role: null, body: body(undefined, urls) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
      expect(stack.stripe.objects.size).toBe(before);
    });

  it("accepts paths of the public base URL, and ignores the Origin header for the defaults", async () => {
    const ok = await checkout(stack, body("paths@example.org", { successUrl: `${stack.url}/merci?x=1`, cancelUrl: `${stack.url}/` }));
    expect((await stripeApi(stack, "GET", `/v1/checkout/sessions/${ok.sessionId}`)).success_url).toBe(`${stack.url}/merci?x=1`);
    const res = await stack.call("POST", DONATE, { role: null, body: body("origin@example.org"), headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(201);
    const s = await stripeApi(stack, "GET", `/v1/checkout/sessions/${((await res.json()) as { sessionId: string }).sessionId}`);
    expect(s.success_url).toBe(`${stack.url}/merci?session_id={CHECKOUT_SESSION_ID}`);
    expect(s.cancel_url).toBe(`${stack.url}/?annule=1`);
  });
});

describe("public Idempotency-Key", () => {
  it("replays the first answer for the same caller and body; another body is a 409; Stripe never sees the key", async () => {
    const key = `don-${randomUUID()}`;
    const a = await stack.call("POST", DONATE, { role: null, body: body("idem@example.org"), headers: { "idempotency-key": key } });
    const b = await stack.call("POST", DONATE, { role: null, body: body("idem@example.org"), headers: { "idempotency-key": key } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    const first = (await a.json()) as { sessionId: string };
    expect(((await b.json()) as { sessionId: string }).sessionId).toBe(first.sessionId);
    const other = await stack.call("POST", DONATE, { role: null, body: body("someone.else@example.org"), headers: { "idempotency-key": key } });
    expect(other.status).toBe(409);
    expect(stack.stripe.idempotencyKeys.some((k) => k.includes(key))).toBe(false);
  });

  it("is scoped by caller: the same key from another address is another checkout", async () => {
    const key = `shared-${randomUUID()}`;
    const one = await fromIp("198.51.100.1", body("scope@example.org"), { "idempotency-key": key });
    const two = await fromIp("198.51.100.2", body("scope@example.org"), { "idempotency-key": key });
    expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
    expect(JSON.parse(one.body!).sessionId).not.toBe(JSON.parse(two.body!).sessionId);
  });

  it("is bounded in length (400 over 100 characters)", async () => {
    const res = await stack.call("POST", DONATE, { role: null, body: body(), headers: { "idempotency-key": "k".repeat(101) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("Idempotency-Key");
  });

  it("expires: its stored answer carries a TTL (epoch seconds, about 24 h)", async () => {
    const { scopedKey } = await import("@asso/core/idempotency");
    const key = `ttl-${randomUUID()}`;
    expect((await fromIp("198.51.100.9", body("ttl@example.org"), { "idempotency-key": key })).statusCode).toBe(201);
    const item = (
      await stack.db.doc.send(
        new GetCommand({ TableName: stack.tableName, Key: { pk: `PUBIDEM#donationCheckout#${scopedKey("ip:198.51.100.9", key)}`, sk: "PUBIDEM" } }),
      )
    ).Item!;
    expect(item.ttl).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
    expect(item.ttl).toBeLessThan(Date.now() / 1000 + 25 * 3600);
  });
});

describe("abandoned checkouts", () => {
  it("keep the donor's data 30 days (ttl); a paid checkout is kept", async () => {
    const { sessionId } = await checkout(stack, body("abandon@example.org"));
    const s = await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`);
    const key = { pk: `CHECKOUT#${(s.metadata as { checkout: string }).checkout}`, sk: "CHECKOUT" };
    const item = (await stack.db.doc.send(new GetCommand({ TableName: stack.tableName, Key: key }))).Item!;
    expect(item.email).toBe("abandon@example.org");
    expect(Math.abs((item.ttl as number) - (Date.now() / 1000 + 30 * 86400))).toBeLessThan(120);
    await pay(stack, sessionId);
    const paid = (await stack.db.doc.send(new GetCommand({ TableName: stack.tableName, Key: key }))).Item!;
    expect(paid.ttl).toBeUndefined();
  });
});

describe("rate limits", () => {
  it("a token bucket per address answers 429 problem+json with Retry-After once it is empty", async () => {
    await withEnv({ CHECKOUT_IP_BURST: "3", CHECKOUT_IP_PER_MINUTE: "1" }, async () => {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await fromIp("203.0.113.5", body(`rate${i}@example.org`)));
      expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 429, 429]);
      const refused = answers[3]!;
      expect(refused.headers!["content-type"]).toBe("application/problem+json");
      expect(Number(refused.headers!["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.body!)).toMatchObject({ status: 429, type: "/problems/too-many-requests" });
      // Another address is not affected.
      expect((await fromIp("203.0.113.6", body("other@example.org"))).statusCode).toBe(201);
    });
  });

  it("a global bucket caps every address together", async () => {
    await withEnv({ CHECKOUT_GLOBAL_BURST: "4", CHECKOUT_GLOBAL_PER_SECOND: "0.01" }, async () => {
      const codes = [];
      for (let i = 0; i < 6; i++) codes.push((await fromIp(`192.0.2.${i + 10}`, body(`g${i}@example.org`))).statusCode);
      expect(codes.filter((c) => c === 201).length).toBeLessThanOrEqual(4);
      expect(codes.at(-1)).toBe(429);
    });
  });

  it("a burst of 200 requests from one address: the buckets hold, and every real payment made meanwhile is booked", () =>
    withEnv({ CHECKOUT_IP_BURST: "10", CHECKOUT_IP_PER_MINUTE: "20" }, async () => {
      // Real donors checked out before the burst, from their own addresses; they pay during it.
      const real = [];
      for (let i = 0; i < 5; i++) {
        const r = await fromIp(
          `100.64.0.${i + 1}`,
          donation(3000 + i, { receipt: false, donor: { email: `real${i}@example.org`, firstName: "Vrai", lastName: `Donateur${i}` } }),
        );
        expect(r.statusCode).toBe(201);
        real.push(JSON.parse(r.body!) as { sessionId: string });
      }
      const burst = Promise.all(
        Array.from({ length: 200 }, (_, i) => stack.call("POST", DONATE, { role: null, body: body(`junk${i}@example.org`) }).then((r) => r.status)),
      );
      const payments = Promise.all(real.map((r) => pay(stack, r.sessionId, "2024-08-08T10:00:00Z")));
      const [codes] = await Promise.all([burst, payments]);
      expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(180);
      expect(codes.every((c) => c === 201 || c === 429)).toBe(true);
      const entries = await stripeEntries(stack, "2024-08-08", "2024-08-08");
      expect(
        entries
          .filter((e) => e.label.startsWith("Don Vrai Donateur"))
          .map((e) => e.lines[0]!.debit)
          .sort(),
      ).toEqual([3000, 3001, 3002, 3003, 3004]);
    }));
});

describe("CAPTCHA hook", () => {
  let verifier: Server;
  let verifyUrl: string;
  const seen: string[] = [];
  beforeAll(async () => {
    verifier = createServer(async (req, res) => {
      let raw = "";
      for await (const c of req) raw += c;
      const form = new URLSearchParams(raw);
      seen.push(`${form.get("secret")}:${form.get("response")}`);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ success: form.get("response") === "good-token" }));
    });
    await new Promise<void>((ok) => verifier.listen(0, "127.0.0.1", () => ok()));
    verifyUrl = `http://127.0.0.1:${(verifier.address() as { port: number }).port}/siteverify`;
  });
  afterAll(() => verifier.close());

  it("is off by default, and when configured requires a token the service accepts", async () => {
    const settings = async () =>
      (await (await stack.call("GET", "/v1/public/giving-settings", { role: null })).json()) as { captcha: boolean; taxReductionPercent: number };
    expect((await settings()).captcha).toBe(false);
    await withEnv({ CAPTCHA_SECRET: "captcha-secret", CAPTCHA_VERIFY_URL: verifyUrl }, async () => {
      expect((await settings()).captcha).toBe(true);
      const missing = await fromIp("203.0.113.50", body("c1@example.org"));
      expect(missing.statusCode).toBe(400);
      expect(JSON.parse(missing.body!).errors[0].path).toBe("captchaToken");
      const bad = await fromIp("203.0.113.50", body("c2@example.org", { captchaToken: "bad-token" }));
      expect(bad.statusCode).toBe(400);
      const good = await fromIp("203.0.113.50", body("c3@example.org", { captchaToken: "good-token" }));
      expect(good.statusCode).toBe(201);
      expect(seen).toEqual(["captcha-secret:bad-token", "captcha-secret:good-token"]);
    });
  });
});

describe("giving settings for the page", () => {
  it("gives the tax-reduction rate from the settings", async () => {
    const res = await stack.call("GET", "/v1/public/giving-settings", { role: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ taxReductionPercent: 75 });
  });
});

describe("the Stripe double", () => {
  it("listens on 127.0.0.1 only", () => {
    expect((stack.stripe.server.address() as { address: string }).address).toBe("127.0.0.1");
  });

  it("escapes what its checkout page shows (a donor name with <script>)", async () => {
    const s = await stripeApi(stack, "POST", "/v1/checkout/sessions", {
      mode: "payment",
      success_url: "https://example.org/ok",
      cancel_url: 'https://example.org/"><script>alert(2)</script>',
      customer_email: "<script>alert(3)</script>@example.org",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "1000",
      "line_items[0][price_data][product_data][name]": "Don de <script>alert(1)</script> Camille",
    });
    const html = await (await fetch(`${stack.stripeUrl}/c/pay/${s.id as string}`)).text();
    expect(html).not.toContain("<script>");
    expect(html).toContain("Don de &lt;script&gt;alert(1)&lt;/script&gt; Camille");
    expect(html).toContain("&lt;script&gt;alert(3)&lt;/script&gt;@example.org");
    expect(html).toContain('href="https://example.org/&quot;&gt;&lt;script&gt;');
  });
});

describe("declared answers", () => {
  it("the public routes answer what the route table (and so the OpenAPI document) declares", async () => {
    const { givingRoutes } = await import("../packages/functions/src/routes/giving.js");
    const schemaOf = (operationId: string) => (givingRoutes.find((r) => r.operationId === operationId)!.response as { schema: import("zod").ZodType }).schema;
    const tiers = await stack.call("GET", "/v1/public/membership-tiers", { role: null });
    expect(schemaOf("membershipTiers").safeParse(await tiers.json()).success).toBe(true);
    const settings = await stack.call("GET", "/v1/public/giving-settings", { role: null });
    expect(schemaOf("givingSettings").safeParse(await settings.json()).success).toBe(true);
    const don = await fromIp("203.0.113.80", body("declared@example.org"));
    expect(schemaOf("donationCheckout").safeParse(JSON.parse(don.body!)).success).toBe(true);
    const member = await fromIp(
      "203.0.113.81",
      { tierId: "individuel", member: { email: "declared.m@example.org", firstName: "D", lastName: "M" } },
      {},
      "/v1/public/memberships/checkout",
    );
    expect(member.statusCode).toBe(201);
    expect(schemaOf("membershipCheckout").safeParse(JSON.parse(member.body!)).success).toBe(true);
  });
});
