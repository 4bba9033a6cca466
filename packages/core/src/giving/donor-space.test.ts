import { afterEach, describe, expect, it } from "vitest";
import { fixedClock, useClock, systemClock } from "../clock.js";
import { DonorLinkError, DonorLinkExpiredError, donorSpaceLink, signDonorToken, verifyDonorToken } from "./donor-space.js";

afterEach(() => {
  useClock(systemClock);
  delete process.env.CURSOR_SECRET;
});

describe("the donor space's link", () => {
  it("carries the address (lower case) and its expiry, and verifies until then, as many times as asked", () => {
    const t = signDonorToken("Camille@Example.org", Date.parse("2026-01-01T10:30:00Z"));
    for (let i = 0; i < 3; i++)
      expect(verifyDonorToken(t, Date.parse("2026-01-01T10:29:59Z"))).toEqual({ email: "camille@example.org", expiresAt: "2026-01-01T10:30:00.000Z" });
  });
  it("is expired at its expiry (a 401 of its own, with a French detail)", () => {
    const t = signDonorToken("a@example.org", 1_000);
    expect(() => verifyDonorToken(t, 1_000)).toThrow(DonorLinkExpiredError);
    expect(() => verifyDonorToken(t, 1_000)).toThrow(/expiré/);
  });
  it("refuses another address under the same signature, a truncated or made-up token, and one signed under another secret", () => {
    const t = signDonorToken("a@example.org", Date.now() + 60_000);
    const [, mac] = t.split(".");
    const other = `${Buffer.from(JSON.stringify({ e: "b@example.org", x: Date.now() + 60_000 })).toString("base64url")}.${mac}`;
    for (const bad of [other, t.slice(0, -2), t.split(".")[0]!, "", "a.b.c", `${t}.x`]) expect(() => verifyDonorToken(bad)).toThrow(DonorLinkError);
    process.env.CURSOR_SECRET = "another-deployment";
    expect(() => verifyDonorToken(t)).toThrow(DonorLinkError);
  });
  it("is a link to /espace/ on the public base URL, valid 30 minutes from the clock's now", () => {
    useClock(fixedClock("2026-03-01T08:00:00Z"));
    const { link, expiresAt } = donorSpaceLink("https://dons.example.org", "a@example.org");
    expect(expiresAt).toBe("2026-03-01T08:30:00.000Z");
    expect(link).toMatch(/^https:\/\/dons\.example\.org\/espace\/\?token=[\w%.-]+$/);
    const token = decodeURIComponent(new URL(link).searchParams.get("token")!);
    expect(verifyDonorToken(token).email).toBe("a@example.org");
  });
});
