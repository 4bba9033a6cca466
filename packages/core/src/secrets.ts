/**
 * Secrets read once per cold start from Secrets Manager in AWS: for each setting `X` the stack
 * passes `X_ARN` (never the value, so it is not shown in the function's configuration), and
 * `loadSecrets` puts the value in `process.env.X`, where the code reads it like any setting
 * (`CURSOR_SECRET` in db/cursor.ts, `ORIGIN_VERIFY` in the HTTP edge, `CAPTCHA_SECRET` in payments/abuse.ts). Locally no ARN is set and
 * nothing is fetched: the environment (or the development defaults) stands.
 *
 * Errors: a secret that cannot be read or is empty rejects; the next call tries again.
 */
export const SECRET_SETTINGS = ["CURSOR_SECRET", "ORIGIN_VERIFY", "CAPTCHA_SECRET"] as const;
export type SecretSetting = (typeof SECRET_SETTINGS)[number];

/** Reads a secret's string by ARN. */
export type SecretReader = (arn: string) => Promise<string | undefined>;

const secretsManager: SecretReader = async (arn) => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const r = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  return r.SecretString;
};

let loading: Promise<void> | undefined;

/** Fills `env.X` from `env.X_ARN` for every secret setting not set yet; once per process. */
export function loadSecrets(env: Record<string, string | undefined> = process.env, read: SecretReader = secretsManager): Promise<void> {
  const wanted = SECRET_SETTINGS.filter((name) => !env[name] && env[`${name}_ARN`]);
  if (!wanted.length) return Promise.resolve();
  loading ??= Promise.all(
    wanted.map(async (name) => {
      const value = await read(env[`${name}_ARN`]!);
      if (!value) throw new Error(`the secret for ${name} is empty`);
      env[name] = value;
    }),
  ).then(() => undefined);
  const current = loading;
  // Once filled, env holds the values and nothing is wanted any more; a failure is tried again.
  const done = () => {
    if (loading === current) loading = undefined;
  };
  current.then(done, done);
  return current;
}
