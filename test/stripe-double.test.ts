/**
 * The Stripe double behaves like a host of its own (issue 21 item 8): it answers only under its
 * loopback names, and its development routes take JSON from the developer, never a form or a
 * request from another site's page (DNS rebinding, cross-site POST).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStripeDouble } from "../infra/stripe-double.js";
import { TEST_STRIPE } from "./support/stack.js";

const double = createStripeDouble({ ...TEST_STRIPE, webhookUrl: "http://127.0.0.1:9/", retryDelaysMs: [] });
let port = 0;
beforeAll(async () => {
  port = Number(new URL((await double.listen(0)).url).port);
});
afterAll(() => double.close());

/** A raw request, so the Host header can be anything (fetch always sends the URL's). */
function raw(path: string, opts: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: { host: opts.host ?? `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("the Stripe double's own doors", () => {
  it("answers under 127.0.0.1 and localhost, and refuses another host name (DNS rebinding)", async () => {
    expect((await raw("/__dev/events")).status).toBe(200);
    expect((await raw("/__dev/events", { host: `localhost:${port}` })).status).toBe(200);
    const foreign = await raw("/__dev/events", { host: "attacker.example:80" });
    expect(foreign.status).toBe(421);
    expect(foreign.body).not.toContain('"data"');
  });

  it("takes JSON only on its development routes: a form body is 415, a broken JSON body 400", async () => {
    const form = await raw("/__dev/payouts", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "at=2025-01-01" });
    expect(form.status).toBe(415);
    const text = await raw("/__dev/payouts", { method: "POST", headers: { "content-type": "text/plain" }, body: '{"at":"2025-01-01T00:00:00Z"}' });
    expect(text.status).toBe(415);
    const broken = await raw("/__dev/payouts", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(broken.status).toBe(400);
  });

  it("refuses a development call made from another site's page (its Origin), and accepts the developer's", async () => {
    const cross = await raw("/__dev/payouts", {
      method: "POST",
      headers: { origin: "https://attacker.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(cross.status).toBe(403);
    const own = await raw("/__dev/events", { headers: { origin: `http://127.0.0.1:${port}` } });
    expect(own.status).toBe(200);
  });
});
