/** The public page's files (web/), served by the local gateway as S3 + CloudFront serve them in AWS. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./dynamodb-local.js";

const WEB = join(ROOT, "web");
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", css: "text/css; charset=utf-8", js: "text/javascript; charset=utf-8" };

export function webRoutes(): Record<string, { contentType: string; body: () => Buffer }> {
  const file = (name: string) => ({ contentType: TYPES[name.split(".").pop()!]!, body: () => readFileSync(join(WEB, name)) });
  return { "/": file("index.html"), "/merci": file("merci.html"), "/style.css": file("style.css"), "/app.js": file("app.js") };
}
