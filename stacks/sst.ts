/** The SST (v2, CDK-based) stack: the same construct tree as `npm run synth`. */
import type { StackContext } from "sst/constructs";
import { defineBackOffice } from "./backoffice.js";
import { join } from "node:path";
import { buildConsoleForStack, bundleAll, BUNDLE_DIR, ROOT } from "./bundle.js";
import { propsFromEnv } from "./settings.js";

export async function BackOffice({ stack, app }: StackContext) {
  bundleAll();
  const consoleDir = await buildConsoleForStack();
  defineBackOffice(stack, { stage: app.stage, bundleDir: BUNDLE_DIR, webDir: join(ROOT, "web"), consoleDir, ...propsFromEnv() });
}
