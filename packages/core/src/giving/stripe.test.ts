import { beforeEach, describe, expect, it, vi } from "vitest";

const load = async () => (await import("./stripe.js")).stripeFromEnv;
beforeEach(() => vi.resetModules());

describe("stripeFromEnv: each function its own keys", () => {
  it("locally reads STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET", async () => {
    const ctx = await (await load())({ STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" });
    expect(ctx.webhookSecret).toBe("whsec_x");
    expect(ctx.client).toBeDefined();
  });
  it("a function with a checkout-only key has no signing secret: reading it throws, never an empty key (bug: both keys required everywhere)", async () => {
    const ctx = await (await load())({ STRIPE_SECRET_KEY: "rk_test_checkout" });
    expect(ctx.client).toBeDefined();
    expect(() => ctx.webhookSecret).toThrow(/no webhookSecret/);
  });
  it("without any key, says so", async () => {
    await expect((await load())({})).rejects.toThrow(/not configured/);
  });
});
