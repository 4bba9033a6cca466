/** The SST (v2, CDK-based) stack: the same construct tree as `npm run synth`. */
import type { StackContext } from "sst/constructs";
import { defineBackOffice } from "./backoffice.js";
import { bundleAll, BUNDLE_DIR } from "./bundle.js";

export function BackOffice({ stack, app }: StackContext) {
  bundleAll();
  defineBackOffice(stack, {
    stage: app.stage,
    bundleDir: BUNDLE_DIR,
    association: { name: process.env.ASSO_NAME, siren: process.env.ASSO_SIREN, address: process.env.ASSO_ADDRESS },
    alarmEmail: process.env.ALARM_EMAIL,
  });
}
