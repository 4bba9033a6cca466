/**
 * The Stripe adapter: the official client, pointed at Stripe or, in dev and tests, at the Stripe
 * test double (`STRIPE_API_URL`). Keys come from the environment locally and from Secrets Manager
 * in AWS (`STRIPE_SECRET_ARN`, a JSON `{ secretKey, webhookSecret }`), read once per cold start.
 * The `stripe` package is loaded on first use (dynamic import), so routes that never call Stripe
 * (the membership tiers) do not pay for loading it.
 */
import type Stripe from "stripe";

export interface StripeContext {
  client: Stripe;
  webhookSecret: string;
}

let cached: Promise<StripeContext> | undefined;

async function keys(env: Record<string, string | undefined>): Promise<{ secretKey: string; webhookSecret: string }> {
  if (env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET) return { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET };
  if (!env.STRIPE_SECRET_ARN) throw new Error("Stripe keys are not configured");
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const sm = new SecretsManagerClient({});
  const r = await sm.send(new GetSecretValueCommand({ SecretId: env.STRIPE_SECRET_ARN }));
  const parsed = JSON.parse(r.SecretString ?? "{}") as { secretKey?: string; webhookSecret?: string };
  if (!parsed.secretKey || !parsed.webhookSecret) throw new Error("the Stripe secret lacks secretKey or webhookSecret");
  return { secretKey: parsed.secretKey, webhookSecret: parsed.webhookSecret };
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
  cached ??= keys(env).then(async (k) => ({ client: await makeStripe(k.secretKey, env.STRIPE_API_URL), webhookSecret: k.webhookSecret }));
  cached.catch(() => (cached = undefined));
  return cached;
}
