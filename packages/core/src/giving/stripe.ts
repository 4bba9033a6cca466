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
