/**
 * The browser files served by the local gateway as S3 + CloudFront serve them in AWS: the public
 * page (web/) at `/`, the staff console (web/console, bundled in memory) at `/console/`, its
 * `config.json` saying "sign in locally", and the local sign-in routes of the dev identity.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { consoleFilesSync } from "../web/console/build.js";
import { ROOT } from "./dynamodb-local.js";
import { DEV_ROLES, devSignInRoutes, latestIdentity, type Identity } from "./identity.js";

const WEB = join(ROOT, "web");
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8" };

/** What the console reads at `/console/config.json` on one machine (the stack writes the Cognito one). */
export const LOCAL_CONSOLE_CONFIG = { auth: "local", roles: DEV_ROLES, tokenPath: "/console/dev-token/" } as const;

type StaticRoute = { contentType: string; body: () => Buffer | string; loopbackOnly?: boolean };

/**
 * The static routes. `identity` signs the console's local sign-in tokens; by default the identity
 * this process created last (`npm run dev` and each test stack create theirs before calling this).
 */
export function webRoutes(identity: Identity | undefined = latestIdentity()): Record<string, StaticRoute> {
  const file = (name: string) => ({ contentType: TYPES[name.split(".").pop()!]!, body: () => readFileSync(join(WEB, name)) });
  let built: ReturnType<typeof consoleFilesSync> | undefined;
  const consoleFile = (name: keyof ReturnType<typeof consoleFilesSync>): StaticRoute => ({
    contentType: TYPES[name.split(".").pop()!]!,
    body: () => (built ??= consoleFilesSync())[name],
  });
  return {
    "/": file("index.html"),
    "/merci": file("merci.html"),
    "/merci.js": file("merci.js"),
    "/style.css": file("style.css"),
    "/app.js": file("app.js"),
    // Served with status 404 by the gateway for any other page (infra/gateway.ts).
    "/404.html": file("404.html"),
    // The donor's space (a link without an account): CloudFront serves /espace/ as espace/index.html.
    "/espace/": file("espace/index.html"),
    "/espace/index.html": file("espace/index.html"),
    "/espace/espace.js": file("espace/espace.js"),
    "/espace/espace.css": file("espace/espace.css"),
    "/console": consoleFile("index.html"),
    "/console/": consoleFile("index.html"),
    "/console/index.html": consoleFile("index.html"),
    "/console/app.js": consoleFile("app.js"),
    "/console/style.css": consoleFile("style.css"),
    "/console/config.json": { contentType: "application/json", body: () => JSON.stringify(LOCAL_CONSOLE_CONFIG) },
    ...(identity ? devSignInRoutes(identity) : {}),
  };
}
