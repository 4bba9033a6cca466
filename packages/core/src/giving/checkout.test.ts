/** Return URLs and public idempotency keys: pure rules of the checkout. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { returnUrls, scopedKey, stripeKeyOf } from "./checkout.js";

describe("return URLs", () => {
  const base = "https://don.example.org/soutenir";
  it("defaults under the public base URL", () => {
    expect(returnUrls(base, {})).toEqual({
      successUrl: "https://don.example.org/soutenir/merci?session_id={CHECKOUT_SESSION_ID}",
      cancelUrl: "https://don.example.org/soutenir/?annule=1",
    });
  });
  it("accepts the base and its paths", () => {
    for (const u of ["https://don.example.org/soutenir", "https://don.example.org/soutenir/", "https://don.example.org/soutenir/merci?x=1#y"])
      expect(returnUrls(base, { successUrl: u }).successUrl).toBe(u);
  });
  it("refuses anything else, naming the field", () => {
    const bad = [
      "https://evil.example/soutenir",
      "https://don.example.org.evil.example/soutenir",
      "http://don.example.org/soutenir",
      "https://don.example.org:8443/soutenir",
      "https://don.example.org/soutenirx",
      "https://don.example.org/autre",
      "https://don.example.org/soutenir/../admin",
      "https://user@don.example.org/soutenir",
      "javascript:alert(1)",
      "//evil.example",
    ];
    for (const u of bad)
      expect(() => returnUrls(base, { cancelUrl: u }), u).toThrow(
        expect.objectContaining({ errors: [{ path: "cancelUrl", message: "must be an address on https://don.example.org/soutenir/" }] }),
      );
  });
});

describe("public idempotency keys", () => {
  it("are scoped by caller, and Stripe's key is neither the client's nor the stored one", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), (key) => {
        const a = scopedKey("ip:198.51.100.1", key);
        const b = scopedKey("ip:198.51.100.2", key);
        expect(a).not.toBe(b);
        expect(scopedKey("ip:198.51.100.1", key)).toBe(a);
        const stripe = stripeKeyOf(a);
        if (key.length > 8) expect(stripe).not.toContain(key);
        expect(stripe).not.toContain(a);
        expect(stripe).toMatch(/^checkout-[0-9a-f]{48}$/);
      }),
    );
  });
});
