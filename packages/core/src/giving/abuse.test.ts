/** Which bucket an address counts against, and the rate settings. */
import { describe, expect, it } from "vitest";
import { callerBucket, loadAbuseSettings } from "./abuse.js";

describe("callerBucket", () => {
  it("an IPv4 address is its own bucket, mapped or not", () => {
    expect(callerBucket("203.0.113.5")).toBe("203.0.113.5");
    expect(callerBucket("::ffff:203.0.113.5")).toBe("203.0.113.5");
  });
  it("IPv6 addresses of one /64 share a bucket (rotating inside it buys nothing)", () => {
    expect(callerBucket("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(callerBucket("2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(callerBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(callerBucket("2001:db8:1:3::1")).not.toBe(callerBucket("2001:db8:1:2::1"));
  });
});

describe("loadAbuseSettings", () => {
  it("has sane defaults and no CAPTCHA", () => {
    expect(loadAbuseSettings({})).toEqual({ perIp: { burst: 10, perSecond: 20 / 60 }, global: { burst: 100, perSecond: 20 } });
  });
  it("turns the CAPTCHA on only with both settings", () => {
    expect(loadAbuseSettings({ CAPTCHA_SECRET: "s" }).captcha).toBeUndefined();
    expect(loadAbuseSettings({ CAPTCHA_SECRET: "s", CAPTCHA_VERIFY_URL: "https://challenges.example/siteverify" }).captcha).toEqual({
      secret: "s",
      verifyUrl: "https://challenges.example/siteverify",
    });
  });
  it("names a bad setting", () => {
    expect(() => loadAbuseSettings({ CHECKOUT_IP_BURST: "lots" })).toThrow(/CHECKOUT_IP_BURST/);
    expect(() => loadAbuseSettings({ CHECKOUT_GLOBAL_PER_SECOND: "-1" })).toThrow(/CHECKOUT_GLOBAL_PER_SECOND/);
  });
});
