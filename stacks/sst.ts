/** The SST (v2, CDK-based) stack: the same construct tree as `npm run synth`. */
import type { StackContext } from "sst/constructs";
import { defineBackOffice, SETTINGS } from "./backoffice.js";
import { join } from "node:path";
import { bundleAll, BUNDLE_DIR, ROOT } from "./bundle.js";

export function BackOffice({ stack, app }: StackContext) {
  bundleAll();
  defineBackOffice(stack, {
    stage: app.stage,
    bundleDir: BUNDLE_DIR,
    webDir: join(ROOT, "web"),
    publicBaseUrl: process.env.PUBLIC_BASE_URL,
    settings: Object.fromEntries(SETTINGS.map((k) => [k, process.env[k]])),
    alarmEmail: process.env.ALARM_EMAIL,
  });
}
