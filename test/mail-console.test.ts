/**
 * A person's e-mails in the console, in real headless Chromium (issue 17 item 2): on the donors'
 * list "E-mails" shows what was sent to the address with its status in French; the trésorier
 * resends one (it arrives again in the local inbox, maildev) and, after a bounce, sees "adresse en
 * erreur" and lifts the mark; the auditor reads the list without "Renvoyer".
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordSesEvent } from "@asso/core/mail";
import { launchChromium } from "./support/chromium.js";
import { ADDRESS, checkout, pay } from "./support/giving.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const EMAIL = "sacha.courrier@example.org";

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];
const arrived = async () => (await stack.inbox()).filter((m) => m.to.some((t) => t.address === EMAIL));

beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "100", CHECKOUT_IP_PER_MINUTE: "1000" }, { mail: true });
  const { sessionId } = await checkout(stack, {
    amount: 3300,
    frequency: "once",
    receipt: false,
    donor: { email: EMAIL, firstName: "Sacha", lastName: "Courrier", address: ADDRESS },
  });
  await pay(stack, sessionId);
  for (let i = 0; i < 200 && (await arrived()).length < 1; i++) await new Promise((r) => setTimeout(r, 100));
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function donors(role: "tresorier" | "auditor"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (err) => pageErrors.push(`${role}: ${err.message}`));
  await page.goto(`${stack.url}/console/`);
  await page.getByLabel(role === "tresorier" ? "Trésorier" : "Auditeur (commissaire aux comptes)").check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  await page.goto(`${stack.url}/console/#/dons/donateurs`);
  await page.getByRole("heading", { level: 1, name: "Donateurs" }).waitFor();
  return page;
}

const messages = (page: Page) => page.getByRole("region", { name: /E-mails de Sacha Courrier/ });

describe("a person's e-mails in the console", () => {
  it("the trésorier sees the confirmation 'envoyé' and resends it: it arrives again", { timeout: 90_000 }, async () => {
    const page = await donors("tresorier");
    const row = page.getByRole("row").filter({ hasText: EMAIL });
    await poll(() => row.count()).toBe(1);
    await row.getByRole("button", { name: /E-mails/ }).click();
    const panel = messages(page);
    await panel.waitFor();
    const line = panel.getByRole("row").filter({ hasText: "Merci pour votre don de 33,00" });
    await poll(async () => (await line.textContent()) ?? "").toContain("envoyé");
    expect(await line.textContent()).toContain("Confirmation de don");
    await line.getByRole("button", { name: /Renvoyer/ }).click();
    await panel.getByRole("status").filter({ hasText: "sera renvoyé" }).waitFor();
    await poll(async () => (await arrived()).length).toBe(2);
    await page.close();
  });

  it("after a bounce the trésorier reads 'adresse en erreur' and lifts the mark", { timeout: 90_000 }, async () => {
    const id = (await (await stack.call("GET", `/v1/people/${encodeURIComponent(EMAIL)}/messages`)).json()) as { items: { id: string }[] };
    await recordSesEvent(stack.db, {
      eventType: "Bounce",
      bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: EMAIL, diagnosticCode: "smtp; 550 5.1.1 boîte inconnue" }] },
      mail: { headers: [{ name: "X-Asso-Message", value: id.items[0]!.id }] },
    });
    const page = await donors("tresorier");
    await page
      .getByRole("row")
      .filter({ hasText: EMAIL })
      .getByRole("button", { name: /E-mails/ })
      .click();
    const panel = messages(page);
    const alert = panel.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Adresse en erreur");
    expect(await alert.textContent()).toContain("550 5.1.1");
    await poll(async () => await panel.getByRole("row").filter({ hasText: "adresse en erreur" }).count()).toBe(1);
    await alert.getByRole("button", { name: /lever la marque/ }).click();
    await panel.getByRole("status").filter({ hasText: "n'est plus marquée en erreur" }).waitFor();
    await poll(() => panel.getByRole("alert").count()).toBe(0);
    await page.close();
  });

  it("the auditor reads the messages without 'Renvoyer'", { timeout: 60_000 }, async () => {
    const page = await donors("auditor");
    await page
      .getByRole("row")
      .filter({ hasText: EMAIL })
      .getByRole("button", { name: /E-mails/ })
      .click();
    const panel = messages(page);
    await poll(() => panel.getByRole("row").filter({ hasText: "Merci pour votre don" }).count()).toBe(1);
    expect(await panel.getByRole("button", { name: /Renvoyer/ }).count()).toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
