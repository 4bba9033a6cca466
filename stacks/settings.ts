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
import { SETTINGS, type BackOfficeProps } from "./backoffice.js";

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
