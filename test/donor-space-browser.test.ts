/**
 * The donor's space end to end in Chromium on a phone (390×844): ask for the space on the page →
 * the link arrives in the local inbox (maildev, sent by the outbox's worker) → open it on another
 * "device" → download a receipt → "Arrêter" → cancel in the Stripe double's portal → back in the
 * space, the gift shows as stopped, and its next renewal books nothing.
 */
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signDonorToken } from "@asso/core/giving";
import { launchChromium } from "./support/chromium.js";
import { ADDRESS, checkout, dev, pay, stripeApi, stripeEntries } from "./support/giving.js";
import { pdfText } from "./support/pdf-text.js";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
let browser: Browser;
const EMAIL = "dominique.espace@example.org";
let subscriptionId: string;
const PHONE = { viewport: { width: 390, height: 844 }, locale: "fr-FR", isMobile: true, hasTouch: true } as const;

beforeAll(async () => {
  stack = await startTestStack(
    {
      RECEIPTS_ENABLED: "true",
      ASSO_SIGNATORY_NAME: "Jeanne Dubois",
      ASSO_SIGNATORY_QUALITY: "Trésorière",
      CHECKOUT_IP_BURST: "1000",
      CHECKOUT_IP_PER_MINUTE: "10000",
    },
    { mail: true },
  );
  browser = await launchChromium();
  const donor = { email: EMAIL, firstName: "Dominique", lastName: "Espace", address: ADDRESS };
  await pay(stack, (await checkout(stack, { amount: 5000, frequency: "once", donor })).sessionId, "2025-03-10T10:00:00Z");
  const monthly = await checkout(stack, { amount: 1500, frequency: "monthly", donor });
  await pay(stack, monthly.sessionId, "2025-04-05T10:00:00Z");
  subscriptionId = (await stripeApi(stack, "GET", `/v1/checkout/sessions/${monthly.sessionId}`)).subscription as string;
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Every tap target of the page's main area is 24 × 24 px at least (WCAG 2.5.8). */
async function tapTargets(page: Page) {
  const small = await page.$$eval("main button:not([hidden]), main a, main input", (els) =>
    els
      .filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null)
      .map((e) => ({ what: e.outerHTML.slice(0, 80), ...e.getBoundingClientRect().toJSON() }))
      .filter((r) => r.width < 24 || r.height < 24),
  );
  expect(small).toEqual([]);
}

it("asks for the space, opens the link from the inbox on another device, downloads a receipt and stops the monthly gift in the portal", async () => {
  // 1. On the phone: no link yet, the form.
  const asking = await browser.newContext(PHONE);
  const page = await asking.newPage();
  await page.goto(`${stack.url}/espace/`);
  await expect.poll(() => page.isVisible("#ask-form")).toBe(true);
  await tapTargets(page);
  await page.fill("#email", EMAIL);
  await page.click("text=Recevoir un lien >> nth=-1");
  await page.waitForSelector("text=Si cette adresse est connue, un lien vient de lui être envoyé.");

  // 2. The link arrives in the local inbox.
  let link = "";
  await expect
    .poll(
      async () => {
        const mine = (await stack.inbox()).filter((m) => m.to.some((t) => t.address === EMAIL) && /lien/i.test(m.subject));
        const href = /href="([^"]*\/espace\/\?token=[^"]+)"/.exec(mine.at(-1)?.html ?? "")?.[1];
        link = href ? href.replace(/&amp;/g, "&") : "";
        return link;
      },
      { timeout: 15_000 },
    )
    .toMatch(new RegExp(`^${stack.url}/espace/\\?token=`));

  // 3. Opened on another device: the token leaves the address bar, the lists show.
  const other = await browser.newContext(PHONE);
  const space = await other.newPage();
  await space.goto(link);
  await space.waitForSelector("#space:not([hidden])");
  expect(space.url()).toBe(`${stack.url}/espace/`);
  expect(await space.textContent("#who")).toBe(EMAIL);
  expect(await space.textContent("#gifts")).toContain("50 € · Don ponctuel");
  expect(await space.textContent("#monthly")).toContain("15 € par mois");
  expect(await space.textContent("#monthly")).toContain("En cours");
  await tapTargets(space);

  // 4. A receipt downloaded: the PDF of the 50 € gift.
  const [download] = await Promise.all([space.waitForEvent("download"), space.click("#receipts button")]);
  const text = await pdfText(await readFile((await download.path())!));
  expect(text).toContain("50,00 €");

  // 5. "Arrêter": the portal, cancel, back to the space.
  const before = await stripeEntries(stack, "2025-01-01", "2025-12-31");
  await space.click(`[data-subscription="${subscriptionId}"] >> text=Arrêter`);
  await space.waitForURL(/\/p\/session\//);
  await space.click(`#cancel-${subscriptionId}`);
  await space.waitForURL(`${stack.url}/espace/`);
  await expect
    .poll(
      async () => {
        await space.reload();
        await space.waitForSelector("#space:not([hidden])");
        return space.textContent("#monthly");
      },
      { timeout: 10_000 },
    )
    .toContain("Arrêté");
  expect(await space.isVisible(`[data-subscription="${subscriptionId}"] >> text=Arrêter`)).toBe(false);

  // 6. The next renewal books nothing: Stripe no longer charges a stopped gift, the ledger is unchanged.
  await expect(dev(stack, `/__dev/subscriptions/${subscriptionId}/renew`, { at: "2025-05-05T10:00:00Z" })).rejects.toThrow();
  expect(await stripeEntries(stack, "2025-01-01", "2025-12-31")).toEqual(before);
  await asking.close();
  await other.close();
});

it("an expired link says so in French and offers a new one", async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await page.goto(`${stack.url}/espace/?token=${encodeURIComponent(signDonorToken(EMAIL, Date.now() - 60_000))}`);
  await page.waitForSelector("#link-problem:not([hidden])");
  expect(await page.textContent("#link-problem")).toContain("Ce lien a expiré — recevoir un nouveau lien");
  expect(await page.isVisible("#ask-form")).toBe(true);
  expect(page.url()).toBe(`${stack.url}/espace/`);
  await ctx.close();
});
