/**
 * `npm run synth`: bundles the functions and writes the CloudFormation templates to `cdk.out/`,
 * offline, with no AWS account. The stage comes from `STAGE` (default `dev`).
 */
import { App, Stack } from "aws-cdk-lib";
import { join } from "node:path";
import { defineBackOffice } from "./backoffice.js";
import { bundleAll, BUNDLE_DIR, ROOT } from "./bundle.js";

export function synthesize(stage = process.env.STAGE ?? "dev", outdir = join(ROOT, "cdk.out")) {
  bundleAll();
  const app = new App({ outdir });
  const stack = new Stack(app, `asso-back-office-${stage}`, { env: { region: process.env.AWS_REGION ?? "eu-west-3" } });
  defineBackOffice(stack, { stage, bundleDir: BUNDLE_DIR, webDir: join(ROOT, "web") });
  return { app, stack, assembly: app.synth() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { assembly } = synthesize();
  for (const s of assembly.stacks) console.log(`${s.stackName}: ${s.templateFullPath}`);
}
