/**
 * The deploy's settings, read from the environment by `npm run synth` and by SST: the association's
 * settings (SETTINGS, passed to the functions) and the stack's own options.
 *
 * | variable | what |
 * | --- | --- |
 * | `PUBLIC_BASE_URL` | the giving page's address when it has its own domain (default: the CloudFront address) |
 * | `CONSOLE_URL` | the console's origin when the distribution has a custom domain (Cognito callbacks, CORS) |
 * | `AUTH_DOMAIN_PREFIX` | the hosted UI's domain prefix (default: from the stack name and account) |
 * | `PUBLIC_CONCURRENCY` | reserved concurrency of the public function (default 10; `none` for none, e.g. a new account with a low limit) |
 * | `WEBHOOK_CONCURRENCY` | reserved concurrency of the Stripe webhook function (default 10; `none` for none) |
 * | `ALARM_EMAIL` | an e-mail subscription to the alarm topic (without it, a synth warning and the `AlarmEmail` output say nobody receives the alarms) |
 * | `CUSTOM_DOMAIN`, `CERTIFICATE_ARN` | the distribution's own domain names (comma-separated) and their ACM certificate in us-east-1; TLS 1.2 at least |
 * | `MAIL_IDENTITY` | the SES identity mail is sent from: a domain or one address |
 * | `EDGE_FIREWALL` | `none`: no WAF web ACL (and no us-east-1 stack); by default one is created |
 */
import type { BackOfficeProps } from "./backoffice.js";

/**
 * The association's settings a deploy may set (read from the environment by `propsFromEnv`), each
 * passed unchanged to every function as an environment variable of the same name (empty ones
 * left out): `functionSettings`. This list is the one place to change what the functions receive.
 * They are first values only: a settings section never saved in the console reads them; once saved
 * (core/settings, `PUT /v1/settings/{section}`) they are ignored (docs/configuration.md).
 */
export const SETTINGS = [
  "ASSO_NAME",
  "ASSO_SIREN",
  "ASSO_RNA",
  "ASSO_ADDRESS",
  "ASSO_OBJECT",
  "ASSO_CATEGORY",
  "ASSO_SIGNATORY",
  "ASSO_SIGNATORY_NAME",
  "ASSO_SIGNATORY_QUALITY",
  "RECEIPT_ARTICLES",
  "ASSO_ART978_ORGANISM",
  "RECEIPTS_ENABLED",
  "MEMBERSHIP_TIERS",
  "TAX_REDUCTION_PERCENT",
  "FISCAL_YEAR_START_MONTH",
  "BANK_ACCOUNTS",
  "CHECKOUT_IP_PER_MINUTE",
  "CHECKOUT_IP_BURST",
  "CHECKOUT_GLOBAL_PER_SECOND",
  "CHECKOUT_GLOBAL_BURST",
  "CAPTCHA_VERIFY_URL",
  // Mail: the sender when the settings' e-mail section is unset ("Nom <adresse>"), the addresses
  // or domains verified in SES besides MAIL_IDENTITY (the settings' check reads them), SES's rate.
  "MAIL_FROM",
  "EMAIL_VERIFIED_SENDERS",
  "MAIL_RATE_PER_SECOND",
] as const;
export type Setting = (typeof SETTINGS)[number];
export type Settings = Partial<Record<Setting, string>>;

/** The functions' environment variables from the deploy's settings: the ones set, unchanged. */
export const functionSettings = (settings: Settings = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string>;

/** A reserved concurrency setting: a positive whole number, or `none`. */
function concurrencyOf(env: Record<string, string | undefined>, name: string): { value?: number | null } {
  const v = env[name]?.trim();
  if (!v) return {};
  if (v === "none") return { value: null };
  if (!/^[1-9]\d*$/.test(v)) throw new Error(`${name} must be a positive whole number or "none", not ${JSON.stringify(v)}`);
  return { value: Number(v) };
}

/** CUSTOM_DOMAIN (comma-separated names) and CERTIFICATE_ARN (ACM, us-east-1) go together. */
function customDomainOf(env: Record<string, string | undefined>): BackOfficeProps["customDomain"] {
  const names = (env.CUSTOM_DOMAIN ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  const certificateArn = env.CERTIFICATE_ARN?.trim();
  if (!names.length && !certificateArn) return undefined;
  if (!names.length || !certificateArn)
    throw new Error("CUSTOM_DOMAIN and CERTIFICATE_ARN are set together (the certificate, in us-east-1, covers the domain names)");
  if (!/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn))
    throw new Error(`CERTIFICATE_ARN must be an ACM certificate in us-east-1 (CloudFront reads its certificates there), not ${JSON.stringify(certificateArn)}`);
  return { domainNames: names, certificateArn };
}

/** Whether the deploy creates the edge firewall (the us-east-1 stack with the web ACL): yes unless EDGE_FIREWALL=none. */
export const firewallFromEnv = (env: Record<string, string | undefined> = process.env) => env.EDGE_FIREWALL?.trim() !== "none";

export function propsFromEnv(
  env: Record<string, string | undefined> = process.env,
): Omit<BackOfficeProps, "stage" | "bundleDir" | "webDir" | "consoleDir" | "webAclArn"> {
  const publicConcurrency = concurrencyOf(env, "PUBLIC_CONCURRENCY");
  const webhookConcurrency = concurrencyOf(env, "WEBHOOK_CONCURRENCY");
  const customDomain = customDomainOf(env);
  return {
    settings: Object.fromEntries(SETTINGS.map((k) => [k, env[k]])),
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    ...(env.CONSOLE_URL ? { consoleUrl: env.CONSOLE_URL } : {}),
    ...(env.AUTH_DOMAIN_PREFIX ? { authDomainPrefix: env.AUTH_DOMAIN_PREFIX } : {}),
    ...("value" in publicConcurrency ? { publicConcurrency: publicConcurrency.value } : {}),
    ...("value" in webhookConcurrency ? { webhookConcurrency: webhookConcurrency.value } : {}),
    ...(env.ALARM_EMAIL ? { alarmEmail: env.ALARM_EMAIL } : {}),
    ...(customDomain ? { customDomain } : {}),
    ...(env.MAIL_IDENTITY?.trim() ? { mailIdentity: env.MAIL_IDENTITY.trim() } : {}),
  };
}
