/** The SST (v2, CDK-based) stack: the same construct tree as `npm run synth`. */
import type { StackContext } from "sst/constructs";
import { defineBackOffice } from "./backoffice.js";
import { join } from "node:path";
import { bundleAll, BUNDLE_DIR, ROOT } from "./bundle.js";

export function BackOffice({ stack, app }: StackContext) {
  bundleAll();
  defineBackOffice(stack, {
    stage: app.stage,
    bundleDir: BUNDLE_DIR,
    webDir: join(ROOT, "web"),
    publicBaseUrl: process.env.PUBLIC_BASE_URL,
    association: { name: process.env.ASSO_NAME, siren: process.env.ASSO_SIREN, address: process.env.ASSO_ADDRESS },
    alarmEmail: process.env.ALARM_EMAIL,
  });
}
