/**
 * `npm run synth`: bundles the functions, builds the staff console, and writes the CloudFormation
 * templates to `cdk.out/`, offline, with no AWS account. The stage comes from `STAGE` (default
 * `dev`); a non-dev stage needs the association's identity in the environment (see stacks/backoffice.ts
 * `identityProblems`; the other variables in stacks/settings.ts).
 */
import { App, Stack } from "aws-cdk-lib";
import { join } from "node:path";
import { defineBackOffice } from "./backoffice.js";
import { buildConsoleForStack, bundleAll, BUNDLE_DIR, ROOT } from "./bundle.js";
import { propsFromEnv } from "./settings.js";

export async function synthesize(stage = process.env.STAGE ?? "dev", outdir = join(ROOT, "cdk.out")) {
  bundleAll();
  const consoleDir = await buildConsoleForStack();
  const app = new App({ outdir });
  const stack = new Stack(app, `asso-back-office-${stage}`, { env: { region: process.env.AWS_REGION ?? "eu-west-3" } });
  defineBackOffice(stack, { stage, bundleDir: BUNDLE_DIR, webDir: join(ROOT, "web"), consoleDir, ...propsFromEnv() });
  return { app, stack, assembly: app.synth() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { assembly } = await synthesize();
    for (const s of assembly.stacks) console.log(`${s.stackName}: ${s.templateFullPath}`);
  } catch (err) {
    console.error(`npm run synth: ${(err as Error).message}`);
    process.exit(1);
  }
}
