/**
 * Abuse of the public checkout (card testing, Stripe's rate limit, junk personal data): a token
 * bucket per caller address and a global one for the checkout routes, kept in DynamoDB (see
 * `takeToken`), and an optional CAPTCHA check (off unless CAPTCHA_SECRET and CAPTCHA_VERIFY_URL are
 * set; any siteverify-style service: Turnstile, hCaptcha, reCAPTCHA).
 *
 * Settings (environment, with defaults): CHECKOUT_IP_BURST (10), CHECKOUT_IP_PER_MINUTE (20),
 * CHECKOUT_GLOBAL_BURST (100), CHECKOUT_GLOBAL_PER_SECOND (20).
 *
 * Errors: TooManyRequestsError (429, with the seconds to wait), ValidationError (CAPTCHA missing or
 * refused).
 */
import { isIPv4, isIPv6 } from "node:net";
import * as z from "zod";
import type { Db } from "../db/client.js";
import { TooManyRequestsError, ValidationError } from "../errors.js";
import { takeToken, type BucketRule } from "./store.js";
import { nowMs } from "../clock.js";

export { TooManyRequestsError };

export interface AbuseSettings {
  perIp: BucketRule;
  global: BucketRule;
  captcha?: { secret: string; verifyUrl: string };
}

const positive = (fallback: number) => z.coerce.number().positive().max(1_000_000).default(fallback);
const Env = z.object({
  CHECKOUT_IP_BURST: positive(10),
  CHECKOUT_IP_PER_MINUTE: positive(20),
  CHECKOUT_GLOBAL_BURST: positive(100),
  CHECKOUT_GLOBAL_PER_SECOND: positive(20),
  CAPTCHA_SECRET: z.string().optional(),
  CAPTCHA_VERIFY_URL: z.url().optional(),
});

export function loadAbuseSettings(env: Record<string, string | undefined> = process.env): AbuseSettings {
  const clean = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => (k.startsWith("CHECKOUT_") || k.startsWith("CAPTCHA_")) && v !== undefined && v !== ""),
  );
  const r = Env.safeParse(clean);
  if (!r.success) throw new Error(`Checkout abuse settings are invalid: ${r.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  const e = r.data;
  return {
    perIp: { burst: e.CHECKOUT_IP_BURST, perSecond: e.CHECKOUT_IP_PER_MINUTE / 60 },
    global: { burst: e.CHECKOUT_GLOBAL_BURST, perSecond: e.CHECKOUT_GLOBAL_PER_SECOND },
    ...(e.CAPTCHA_SECRET && e.CAPTCHA_VERIFY_URL ? { captcha: { secret: e.CAPTCHA_SECRET, verifyUrl: e.CAPTCHA_VERIFY_URL } } : {}),
  };
}

/**
 * The bucket an address counts against: an IPv4 address itself (an IPv4-mapped IPv6 one too), an
 * IPv6 address its /64 (one subscriber's network: rotating addresses inside it buys nothing).
 */
export function callerBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip.slice(0, 64);
  const [head, tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** Takes a token from the caller's bucket, then from the global one; refuses with 429 when either is empty. */
export async function checkRate(db: Db, settings: AbuseSettings, ip: string, now = nowMs()): Promise<void> {
  const mine = await takeToken(db, `checkout:ip:${callerBucket(ip)}`, settings.perIp, now);
  if (!mine.ok) throw new TooManyRequestsError("Too many checkout requests from this address; try again later.", mine.retryAfter);
  const all = await takeToken(db, "checkout:global", settings.global, now);
  if (!all.ok) throw new TooManyRequestsError("Too many checkout requests right now; try again in a moment.", all.retryAfter);
}

/** When a CAPTCHA is configured, the checkout needs `captchaToken`, verified with the service. */
export async function checkCaptcha(settings: AbuseSettings, token: string | undefined, ip: string): Promise<void> {
  if (!settings.captcha) return;
  if (!token) throw new ValidationError([{ path: "captchaToken", message: "is required" }]);
  let success = false;
  try {
    const res = await fetch(settings.captcha.verifyUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ secret: settings.captcha.secret, response: token, remoteip: ip }).toString(),
      signal: AbortSignal.timeout(5000),
    });
    success = res.ok && ((await res.json()) as { success?: unknown }).success === true;
  } catch {
    success = false;
  }
  if (!success) throw new ValidationError([{ path: "captchaToken", message: "was not accepted; try the check again" }]);
}
