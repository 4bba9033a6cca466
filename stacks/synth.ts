/**
 * `npm run synth`: bundles the functions, builds the staff console, and writes the CloudFormation
 * templates to `cdk.out/`, offline, with no AWS account. The stage comes from `STAGE` (default
 * `dev`); a non-dev stage needs the association's identity in the environment (see stacks/backoffice.ts
 * `identityProblems`; the other variables in stacks/settings.ts). Two stacks: the back-office in
 * `AWS_REGION` (default eu-west-3) and, unless EDGE_FIREWALL=none, its edge firewall in us-east-1
 * (stacks/constructs/firewall.ts), whose web ACL ARN reaches the main stack by a cross-region reference.
 */
import { App, Stack } from "aws-cdk-lib";
import { join } from "node:path";
import { defineBackOffice, type BackOfficeProps } from "./backoffice.js";
import { buildConsoleForStack, bundleAll, BUNDLE_DIR, ROOT } from "./bundle.js";
import { defineFirewallStack } from "./constructs/firewall.js";
import { firewallFromEnv, propsFromEnv } from "./settings.js";

/** The stacks of one stage in `app`: the firewall (us-east-1) when `firewall`, then the back-office, which references its ACL. */
export function defineStage(app: App, props: BackOfficeProps, opts: { region: string; firewall: boolean }) {
  const name = `asso-back-office-${props.stage}`;
  const firewall = opts.firewall ? defineFirewallStack(app, `${name}-firewall`, props.stage) : undefined;
  const stack = new Stack(app, name, { env: { region: opts.region }, crossRegionReferences: opts.firewall });
  defineBackOffice(stack, { ...props, ...(firewall ? { webAclArn: firewall.webAclArn } : {}) });
  return { stack, firewall: firewall?.stack };
}

export async function synthesize(stage = process.env.STAGE ?? "dev", outdir = join(ROOT, "cdk.out")) {
  bundleAll();
  const consoleDir = await buildConsoleForStack();
  const app = new App({ outdir });
  const { stack, firewall } = defineStage(
    app,
    { stage, bundleDir: BUNDLE_DIR, webDir: join(ROOT, "web"), consoleDir, ...propsFromEnv() },
    { region: process.env.AWS_REGION ?? "eu-west-3", firewall: firewallFromEnv() },
  );
  return { app, stack, firewall, assembly: app.synth() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { assembly } = await synthesize();
    for (const s of assembly.stacks) {
      console.log(`${s.stackName}: ${s.templateFullPath}`);
      // What the CDK CLI would print: the stack's warnings (no ALARM_EMAIL, no MAIL_IDENTITY…).
      for (const m of s.messages) if (m.level !== "info") console.warn(`  ${m.level}: ${String(m.entry.data)}`);
    }
  } catch (err) {
    console.error(`npm run synth: ${(err as Error).message}`);
    process.exit(1);
  }
}
