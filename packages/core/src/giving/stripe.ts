/**
 * The Stripe adapter: the official client, pointed at Stripe or, in dev and tests, at the Stripe
 * test double (`STRIPE_API_URL`). Keys come from the environment locally (`STRIPE_SECRET_KEY`,
 * `STRIPE_WEBHOOK_SECRET`) and from Secrets Manager in AWS, read once per cold start: each function
 * gets the secret named for it in `STRIPE_SECRET_ARN` (the public function a restricted key that may
 * only create Checkout Sessions, `{ secretKey }`; the webhook and the bank a restricted read key and
 * the signing secret, `{ secretKey, webhookSecret }`). A function without a signing secret cannot
 * verify a webhook: reading `webhookSecret` there throws, it never verifies with an empty key.
 * The `stripe` package is loaded on first use (dynamic import), so routes that never call Stripe
 * (the membership tiers) do not pay for loading it.
 */
import type Stripe from "stripe";

export interface StripeContext {
  client: Stripe;
  webhookSecret: string;
  /** The key's mode: true for `sk_live_`/`rk_live_`, false for `sk_test_`/`rk_test_`, undefined for any other key. */
  livemode: boolean | undefined;
}

/** A Stripe key's mode from its prefix (secret `sk_` or restricted `rk_`); undefined when it has neither. */
export function keyLivemode(secretKey: string): boolean | undefined {
  if (/^[sr]k_live_/.test(secretKey)) return true;
  if (/^[sr]k_test_/.test(secretKey)) return false;
  return undefined;
}

/**
 * What a failed Stripe API call means for a webhook delivery: `permanent` when asking again will
 * not help (4xx: the key lacks a permission, the object is missing, the request is refused),
 * `transient` when it may (429 rate limit, 409 lock, 5xx, no answer); undefined for anything that
 * is not a Stripe API error.
 */
export function stripeFailure(err: unknown): { kind: "permanent" | "transient"; status?: number; type: string; code?: string } | undefined {
  const e = err as { type?: unknown; statusCode?: unknown; code?: unknown; rawType?: unknown } | null;
  if (!e || typeof e.type !== "string" || !e.type.startsWith("Stripe")) return undefined;
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  const info = {
    type: typeof e.rawType === "string" ? e.rawType : e.type,
    ...(status ? { status } : {}),
    ...(typeof e.code === "string" ? { code: e.code } : {}),
  };
  if (e.type === "StripeConnectionError" || e.type === "StripeRateLimitError" || status === undefined || status === 429 || status === 409 || status >= 500)
    return { kind: "transient", ...info };
  if (status >= 400) return { kind: "permanent", ...info };
  return { kind: "transient", ...info };
}

let cached: Promise<StripeContext> | undefined;

interface Keys {
  secretKey: string;
  webhookSecret?: string;
}

async function keys(env: Record<string, string | undefined>): Promise<Keys> {
  if (env.STRIPE_SECRET_KEY) return { secretKey: env.STRIPE_SECRET_KEY, ...(env.STRIPE_WEBHOOK_SECRET ? { webhookSecret: env.STRIPE_WEBHOOK_SECRET } : {}) };
  if (!env.STRIPE_SECRET_ARN) throw new Error("Stripe keys are not configured");
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const sm = new SecretsManagerClient({});
  const r = await sm.send(new GetSecretValueCommand({ SecretId: env.STRIPE_SECRET_ARN }));
  const parsed = JSON.parse(r.SecretString ?? "{}") as { secretKey?: unknown; webhookSecret?: unknown };
  if (typeof parsed.secretKey !== "string" || !parsed.secretKey) throw new Error("the Stripe secret lacks secretKey");
  return { secretKey: parsed.secretKey, ...(typeof parsed.webhookSecret === "string" && parsed.webhookSecret ? { webhookSecret: parsed.webhookSecret } : {}) };
}

/** The context of one function: `webhookSecret` throws where the function's secret has none. */
function context(client: Stripe, k: Keys): StripeContext {
  return {
    client,
    livemode: keyLivemode(k.secretKey),
    get webhookSecret(): string {
      if (!k.webhookSecret) throw new Error("this function's Stripe secret has no webhookSecret");
      return k.webhookSecret;
    },
  };
}

export async function makeStripe(secretKey: string, apiUrl?: string): Promise<Stripe> {
  const target = apiUrl ? new URL(apiUrl) : undefined;
  const { default: StripeClient } = await import("stripe");
  return new StripeClient(secretKey, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    ...(target ? { host: target.hostname, port: target.port, protocol: target.protocol.replace(":", "") as "http" | "https" } : {}),
  });
}

export function stripeFromEnv(env: Record<string, string | undefined> = process.env): Promise<StripeContext> {
  cached ??= keys(env).then(async (k) => context(await makeStripe(k.secretKey, env.STRIPE_API_URL), k));
  cached.catch(() => (cached = undefined));
  return cached;
}

/**
 * What the read key (the webhook's and the bank's) must be allowed, exactly: the resources the code
 * retrieves or lists (disputes and invoices arrive whole in their events, customers are never read),
 * as Stripe's dashboard names them, each with one cheap call that proves it (a list of one; Stripe
 * refuses it when the key lacks the permission). docs/security.md lists the same.
 */
export const READ_KEY_PERMISSIONS: ReadonlyArray<{ permission: string; probe: (s: Stripe) => Promise<unknown> }> = [
  { permission: "PaymentIntents (read)", probe: (s) => s.paymentIntents.list({ limit: 1 }) },
  { permission: "Charges (read)", probe: (s) => s.charges.list({ limit: 1 }) },
  { permission: "Refunds (read)", probe: (s) => s.refunds.list({ limit: 1 }) },
  { permission: "Balance transactions (read)", probe: (s) => s.balanceTransactions.list({ limit: 1 }) },
  { permission: "Payouts (read)", probe: (s) => s.payouts.list({ limit: 1 }) },
  { permission: "Subscriptions (read)", probe: (s) => s.subscriptions.list({ limit: 1 }) },
];

export interface ReadKeyCheck {
  /** Permissions Stripe refused (403, or any permanent 4xx). */
  missing: string[];
  /** Permissions that could not be checked (Stripe unreachable, 5xx, 429). */
  unchecked: string[];
}

/**
 * Checks the read key's permissions with one list call each (in parallel) and logs one line: an
 * error naming each missing permission, a warning when some could not be checked, else an info
 * line. Never throws: a webhook is still handled (a missing permission then becomes an incident).
 */
export async function checkReadKey(stripe: Stripe, log: (line: string) => void = (l) => console.log(l)): Promise<ReadKeyCheck> {
  const results = await Promise.all(
    READ_KEY_PERMISSIONS.map(async ({ permission, probe }) => {
      try {
        await probe(stripe);
        return { permission, ok: true as const };
      } catch (err) {
        return { permission, ok: false as const, permanent: stripeFailure(err)?.kind === "permanent" };
      }
    }),
  );
  const missing = results.filter((r) => !r.ok && r.permanent).map((r) => r.permission);
  const unchecked = results.filter((r) => !r.ok && !r.permanent).map((r) => r.permission);
  if (missing.length)
    log(
      JSON.stringify({ level: "error", msg: "the Stripe read key lacks permissions: set them on the restricted key (docs/security.md)", missing, unchecked }),
    );
  else if (unchecked.length) log(JSON.stringify({ level: "warn", msg: "the Stripe read key's permissions could not all be checked", unchecked }));
  else log(JSON.stringify({ level: "info", msg: "the Stripe read key has every permission the webhook and the bank need", checked: results.length }));
  return { missing, unchecked };
}

let readKeyChecked: Promise<ReadKeyCheck> | undefined;
/** `checkReadKey` once per cold start (the first call runs it; later calls answer its result). */
export function checkReadKeyOnce(stripe: Stripe): Promise<ReadKeyCheck> {
  readKeyChecked ??= checkReadKey(stripe);
  return readKeyChecked;
}
