/**
 * Secrets: the Stripe keys (one restricted key per use), the cursor HMAC key, the origin header
 * value CloudFront adds, and the CAPTCHA provider's secret when a CAPTCHA is configured.
 */
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { StackContext } from "./context.js";

export interface Secrets {
  stripe: { checkout: Secret; read: Secret; portal: Secret };
  cursor: Secret;
  origin: Secret;
  captcha?: Secret;
}

export function defineSecrets({ scope, retain }: StackContext, opts: { captcha: boolean }): Secrets {
  const stripe = {
    checkout: new Secret(scope, "StripeCheckoutKey", {
      description: 'Stripe restricted key for the public checkout (Checkout Sessions: write; nothing else): {"secretKey":"rk_live_…"}',
      removalPolicy: retain,
    }),
    read: new Secret(scope, "StripeReadKeys", {
      description: 'Stripe restricted read key (webhook, payout matching) and the webhook signing secret: {"secretKey":"rk_live_…","webhookSecret":"whsec_…"}',
      removalPolicy: retain,
    }),
    portal: new Secret(scope, "StripePortalKey", {
      description: 'Stripe restricted key for the donor space (Customer portal: write; Subscriptions: read; nothing else): {"secretKey":"rk_live_…"}',
      removalPolicy: retain,
    }),
  };
  const cursor = new Secret(scope, "CursorKey", {
    description: "HMAC key of the pagination cursors (generated)",
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    removalPolicy: retain,
  });
  const origin = new Secret(scope, "OriginVerify", {
    description: "The header value CloudFront adds to what it forwards to the API; the functions refuse requests without it (generated)",
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy: retain,
  });
  // With a CAPTCHA (CAPTCHA_VERIFY_URL), its secret key: put the provider's secret in it after the first deploy.
  const captcha = opts.captcha
    ? new Secret(scope, "CaptchaSecret", {
        description: "The CAPTCHA provider's secret key (public checkout); replace the generated value",
        removalPolicy: retain,
      })
    : undefined;
  return { stripe, cursor, origin, ...(captcha ? { captcha } : {}) };
}
