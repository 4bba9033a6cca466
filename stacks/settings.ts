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
 * | `ALARM_EMAIL` | an e-mail subscription to the alarm topic |
 */
import type { BackOfficeProps } from "./backoffice.js";

/**
 * The association's settings a deploy may set (read from the environment by `propsFromEnv`), each
 * passed unchanged to every function as an environment variable of the same name (empty ones
 * left out): `functionSettings`. This list is the one place to change what the functions receive.
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
] as const;
export type Setting = (typeof SETTINGS)[number];
export type Settings = Partial<Record<Setting, string>>;

/** The functions' environment variables from the deploy's settings: the ones set, unchanged. */
export const functionSettings = (settings: Settings = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string>;

export function propsFromEnv(env: Record<string, string | undefined> = process.env): Omit<BackOfficeProps, "stage" | "bundleDir" | "webDir" | "consoleDir"> {
  const concurrency = env.PUBLIC_CONCURRENCY?.trim();
  if (concurrency && concurrency !== "none" && !/^[1-9]\d*$/.test(concurrency))
    throw new Error(`PUBLIC_CONCURRENCY must be a positive whole number or "none", not ${JSON.stringify(concurrency)}`);
  return {
    settings: Object.fromEntries(SETTINGS.map((k) => [k, env[k]])),
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    ...(env.CONSOLE_URL ? { consoleUrl: env.CONSOLE_URL } : {}),
    ...(env.AUTH_DOMAIN_PREFIX ? { authDomainPrefix: env.AUTH_DOMAIN_PREFIX } : {}),
    ...(concurrency ? { publicConcurrency: concurrency === "none" ? null : Number(concurrency) } : {}),
    ...(env.ALARM_EMAIL ? { alarmEmail: env.ALARM_EMAIL } : {}),
  };
}
