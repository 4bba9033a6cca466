/**
 * The console's AWS sign-in, end to end in headless Chromium against a stand-in for the Cognito
 * hosted UI (same paths and parameters: /oauth2/authorize, /oauth2/token, /logout): authorization
 * code with PKCE (the verifier is checked against the challenge), tokens kept in memory only, the
 * ID token refreshed with the refresh token, sign-out through the hosted UI, a forged redirect refused.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createGateway, listen } from "../infra/gateway.js";
import { webRoutes } from "../infra/web.js";
import { startTestStack, type TestStack } from "./support/stack.js";
import { launchChromium } from "./support/chromium.js";

/** Waits for what the browser shows (the machine is shared: allow time). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

const CLIENT_ID = "console-client";
let stack: TestStack;
let browser: Browser;
let hosted: Server;
let consoleServer: Server;
let hostedUrl = "";
let consoleUrl = "";
const codes = new Map<string, { challenge: string; redirectUri: string }>();
const seen = { exchanges: 0, badVerifier: 0, refreshes: 0, logouts: 0 };
/** Seconds the hosted UI says a token lives: short, so the console must refresh. */
let expiresIn = 3600;
/** When true, the hosted UI refuses refresh tokens (revoked by an administrator). */
let refreshRevoked = false;

const b64url = (b: Buffer) => b.toString("base64url");

beforeAll(async () => {
  stack = await startTestStack();
  hosted = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const cors = { "access-control-allow-origin": "*" };
    if (url.pathname === "/oauth2/authorize") {
      const p = url.searchParams;
      if (p.get("client_id") !== CLIENT_ID || p.get("response_type") !== "code" || p.get("code_challenge_method") !== "S256" || !p.get("code_challenge")) {
        res.writeHead(400).end("bad authorize request");
        return;
      }
      const code = randomUUID();
      codes.set(code, { challenge: p.get("code_challenge")!, redirectUri: p.get("redirect_uri")! });
      res.writeHead(302, { location: `${p.get("redirect_uri")}?code=${code}&state=${encodeURIComponent(p.get("state")!)}` }).end();
      return;
    }
    if (url.pathname === "/oauth2/token" && req.method === "POST") {
      let body = "";
      for await (const c of req) body += c;
      const form = new URLSearchParams(body);
      if (form.get("client_id") !== CLIENT_ID) return void res.writeHead(400, cors).end('{"error":"invalid_client"}');
      if (form.get("grant_type") === "authorization_code") {
        const saved = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const verifier = form.get("code_verifier") ?? "";
        if (!saved || saved.redirectUri !== form.get("redirect_uri") || b64url(createHash("sha256").update(verifier).digest()) !== saved.challenge) {
          seen.badVerifier++;
          return void res.writeHead(400, cors).end('{"error":"invalid_grant"}');
        }
        seen.exchanges++;
      } else if (form.get("grant_type") === "refresh_token" && form.get("refresh_token") === "refresh-1" && !refreshRevoked) seen.refreshes++;
      else return void res.writeHead(400, cors).end('{"error":"invalid_grant"}');
      const idToken = await stack.identity.token("tresorier", { subject: "cognito-user-1" });
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end(
        JSON.stringify({
          id_token: idToken,
          access_token: "opaque",
          ...(form.get("grant_type") === "authorization_code" ? { refresh_token: "refresh-1" } : {}),
          expires_in: expiresIn,
          token_type: "Bearer",
        }),
      );
      return;
    }
    if (url.pathname === "/logout") {
      seen.logouts++;
      res.writeHead(302, { location: url.searchParams.get("logout_uri")! }).end();
      return;
    }
    res.writeHead(404).end();
  });
  hostedUrl = `http://127.0.0.1:${await listen(hosted, 0)}`;
  // The console as CloudFront would serve it, with the config.json the stack writes.
  consoleServer = createGateway({
    identity: stack.identity,
    staticRoutes: {
      ...webRoutes(stack.identity),
      "/console/config.json": {
        contentType: "application/json",
        body: () =>
          JSON.stringify({
            auth: "cognito",
            domain: hostedUrl,
            clientId: CLIENT_ID,
            redirectUri: `${consoleUrl}/console/index.html`,
            logoutUri: `${consoleUrl}/console/index.html`,
          }),
      },
    },
  });
  consoleUrl = `http://127.0.0.1:${await listen(consoleServer, 0)}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((ok) => (consoleServer ? consoleServer.close(() => ok()) : ok()));
  await new Promise<void>((ok) => (hosted ? hosted.close(() => ok()) : ok()));
  await stack?.close();
});

it("signs in through the hosted UI with PKCE, keeps tokens in memory only, refreshes, and signs out", { timeout: 90_000 }, async () => {
  expiresIn = 61; // the console refreshes a token within a minute of its end
  // The console's CSP lets it call https origins only (Cognito); the stand-in here speaks plain http.
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "fr-FR", bypassCSP: true });
  page.setDefaultTimeout(10_000);
  await page.goto(`${consoleUrl}/console/index.html`);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  expect(await page.getByTestId("role").textContent()).toBe("Trésorier");
  expect(seen).toMatchObject({ exchanges: 1, badVerifier: 0 });
  expect(new URL(page.url()).search).toBe(""); // the code is gone from the address bar
  // Nothing kept in the browser's storage: no token, no leftover PKCE verifier.
  expect(await page.evaluate<number>("sessionStorage.length + localStorage.length")).toBe(0);
  expect(await page.evaluate<string>("document.cookie")).toBe("");

  // The token "expires" within a minute: the next call refreshes it first.
  await new Promise((r) => setTimeout(r, 1500));
  await page.getByRole("link", { name: "Exports" }).click();
  await page.getByRole("heading", { level: 1, name: "Exports" }).waitFor();
  await poll(() => seen.refreshes).toBeGreaterThan(0);

  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(`${consoleUrl}/console/index.html`);
  await page.getByRole("button", { name: "Se connecter" }).waitFor();
  expect(seen.logouts).toBe(1);
  expect(await page.getByRole("navigation", { name: "Écrans" }).count()).toBe(0);
  await page.close();
});

it("asks to sign in again over the open screen when the refresh token is refused, and comes back to that screen", { timeout: 90_000 }, async () => {
  expiresIn = 61;
  refreshRevoked = false;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "fr-FR", bypassCSP: true });
  page.setDefaultTimeout(10_000);
  await page.goto(`${consoleUrl}/console/index.html`);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  refreshRevoked = true;
  await new Promise((r) => setTimeout(r, 1500));
  await page.getByRole("link", { name: "Exports" }).click();
  // The screen stays (what was typed is kept); a modal asks to sign in again.
  const dialog = page.getByRole("dialog", { name: "Session expirée" });
  await dialog.waitFor();
  expect(await page.getByRole("navigation", { name: "Écrans" }).count()).toBe(1);
  refreshRevoked = false;
  await dialog.getByRole("button", { name: "Se reconnecter" }).click();
  await page.getByRole("heading", { level: 1, name: "Exports" }).waitFor();
  expect(new URL(page.url()).hash).toBe("#/exports");
  expect(await page.getByRole("dialog", { name: "Session expirée" }).count()).toBe(0);
  await page.close();
});

it("refuses a redirect it did not ask for (forged code and state)", { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "fr-FR" });
  page.setDefaultTimeout(10_000);
  const before = seen.exchanges;
  await page.goto(`${consoleUrl}/console/index.html?code=stolen&state=forged`);
  await poll(() => page.getByRole("alert").textContent()).toContain("ne correspond à aucune demande");
  expect(seen.exchanges).toBe(before);
  expect(await page.getByRole("navigation", { name: "Écrans" }).count()).toBe(0);
  await page.close();
});
