/**
 * `npm run dev`: the whole back-office on one machine. DynamoDB Local (data kept in `.data/`), the
 * local API gateway on 127.0.0.1:3000 running the real handler modules, the dev identity, demo data.
 */
import { createIdentity } from "./identity.js";
import { ensureTable, JavaMissingError, startDynamoDbLocal } from "./dynamodb-local.js";
import { createGateway, listen } from "./gateway.js";
import { DEV_DB_DIR, DEV_KEY_FILE, DEV_PORT, DEV_STRIPE, DEV_TABLE, STRIPE_PORT } from "./paths.js";
import { createStripeDouble } from "./stripe-double.js";
import { webRoutes } from "./web.js";
import { seedDemo, seedGiving } from "./demo.js";
import { seedSettings } from "./demo-settings.js";
import { seedSocial } from "./demo-social.js";
import { seedBank } from "./demo-bank.js";
import { seedPlans2024 } from "./demo-projects.js";
import { startS3Local } from "./s3-local.js";
import { startSchedules } from "./schedules.js";
import { startMailLocal } from "./mail-local.js";
import { makeDb } from "@asso/core/db";
import { smtpTransport } from "@asso/core/mail";
import { startMailWorker } from "@asso/core/workflows/mail";
import { join } from "node:path";
import { DATA_DIR } from "./paths.js";

let dynamo: Awaited<ReturnType<typeof startDynamoDbLocal>>;
try {
  dynamo = await startDynamoDbLocal({ dbPath: DEV_DB_DIR });
} catch (err) {
  if (err instanceof JavaMissingError) {
    console.error(`npm run dev: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
await ensureTable(dynamo.endpoint, DEV_TABLE);
const port = Number(process.env.PORT ?? DEV_PORT);
const api = `http://127.0.0.1:${port}`;
const stripe = createStripeDouble({ ...DEV_STRIPE, webhookUrl: `${api}/v1/webhooks/stripe` });
const stripeUrl = (await stripe.listen(STRIPE_PORT)).url;
const s3 = await startS3Local({ directory: join(DATA_DIR, "s3"), port: Number(process.env.S3_PORT ?? 4569) });
// The local mail: maildev's SMTP on 1025 and its inbox on 1080 (messages kept in .data/mail/).
const mail = await startMailLocal({
  smtp: Number(process.env.MAIL_SMTP_PORT ?? 1025),
  web: Number(process.env.MAIL_WEB_PORT ?? 1080),
  directory: join(DATA_DIR, "mail"),
});
const env = {
  ...s3.env,
  ...mail.env,
  MAIL_FROM: process.env.MAIL_FROM ?? "Association (local) <dons@asso.localhost>",
  TABLE_NAME: DEV_TABLE,
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  STRIPE_SECRET_KEY: DEV_STRIPE.secretKey,
  STRIPE_WEBHOOK_SECRET: DEV_STRIPE.webhookSecret,
  STRIPE_API_URL: stripeUrl,
  PUBLIC_BASE_URL: api,
};
Object.assign(process.env, env);
const fresh = await seedDemo();

const identity = await createIdentity(DEV_KEY_FILE);
const gateway = createGateway({ identity, staticRoutes: webRoutes() });
await listen(gateway, port);
if (fresh) {
  // The demo association's settings first, through the settings routes: the checkouts read them.
  await seedSettings(api, await identity.token("tresorier"));
  await seedPlans2024(api, await identity.token("tresorier"));
  await seedGiving(api, stripeUrl);
  await seedSocial(api, await identity.token("delegation"));
  await seedBank(api, await identity.token("tresorier"));
}
// The scheduled runs (renewal reminders daily at 08:00 Paris, recaps on 15 January): a timer, the same handler as in AWS.
const stopSchedules = startSchedules({
  handlerOf: async (group) => ((await import(`../packages/functions/src/handlers/${group}.ts`)) as { handler: (e: unknown) => Promise<unknown> }).handler,
});
// The outbox's worker: a loop sending what is due to maildev (AWS: the mail function every minute, through SES).
const mailWorker = startMailWorker(makeDb(DEV_TABLE, dynamo.endpoint), await smtpTransport(mail.env.MAIL_SMTP_URL), {
  backoffMs: 5_000,
  ratePerSecond: Number(process.env.MAIL_RATE_PER_SECOND ?? 10),
  pollMs: 1_000,
});
const seeded = fresh
  ? "fiscal year 2024 shaped like the activity report, with three projects, a budget and volunteers' hours; 2025 gifts, a monthly donor and a member paid through Stripe"
  : "kept from the previous run (.data/)";

console.log(`
Back-office running locally
  Giving page    ${api}/
  Staff console  ${api}/console/ (sign in locally as tresorier, delegation or auditor)
  API            ${api}/v1/health
  API description ${api}/v1/openapi.json
  DynamoDB Local ${dynamo.endpoint} (table ${DEV_TABLE}, data in .data/)
  S3 (files)     ${s3.endpoint} (bucket ${s3.env.FILES_BUCKET}, data in .data/s3/)
  Stripe double  ${stripeUrl} (events: ${stripeUrl}/__dev/events)
  Mail inbox     ${mail.webUrl}
  Demo data      ${seeded}

A token for a role (tresorier, delegation, auditor), in another terminal:
  npm run token -- tresorier
  curl -H "Authorization: Bearer $(npm run -s token -- tresorier)" ${api}/v1/ledger/accounts

Ctrl-C stops everything.`);

const stop = async () => {
  stopSchedules();
  await mailWorker.stop();
  await mail.stop();
  gateway.close();
  await stripe.close();
  await s3.stop();
  await dynamo.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
