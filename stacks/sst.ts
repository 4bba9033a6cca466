/**
 * The SST (v2, CDK-based) stack: the same construct tree as `npm run synth`. The edge firewall
 * (stacks/constructs/firewall.ts) is a plain CDK stack in us-east-1 beside it, which SST deploys
 * first; the main stack is created with `crossRegionReferences: true` (sst.config.ts) to take its
 * web ACL's ARN.
 */
import type { StackContext } from "sst/constructs";
import { defineBackOffice } from "./backoffice.js";
import { join } from "node:path";
import { buildConsoleForStack, bundleAll, BUNDLE_DIR, ROOT } from "./bundle.js";
import { defineFirewallStack } from "./constructs/firewall.js";
import { firewallFromEnv, propsFromEnv } from "./settings.js";

export async function BackOffice({ stack, app }: StackContext) {
  bundleAll();
  const consoleDir = await buildConsoleForStack();
  const firewall = firewallFromEnv() ? defineFirewallStack(app, app.logicalPrefixedName("firewall"), app.stage, { account: app.account }) : undefined;
  defineBackOffice(stack, {
    stage: app.stage,
    bundleDir: BUNDLE_DIR,
    webDir: join(ROOT, "web"),
    consoleDir,
    ...propsFromEnv(),
    ...(firewall ? { webAclArn: firewall.webAclArn } : {}),
  });
}
