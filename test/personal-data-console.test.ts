/**
 * A person's data from the console in real headless Chromium (issue 17 item 7): on the donors'
 * list the trésorier downloads "Exporter ses données" (the JSON of everything held) and uses
 * "Effacer ses données", whose French confirmation says what is kept and why; the row then shows
 * the pseudonym. The auditor sees neither button.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { erasureAlias } from "@asso/core/giving";
import { launchChromium } from "./support/chromium.js";
import { ADDRESS, checkout, pay } from "./support/giving.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
const EMAIL = "lou.console@example.org";
/** Screenshots to look at (as test/console.test.ts). */
const SCREENS = process.env.CONSOLE_SCREENS ?? "/work/team/screens";

let stack: TestStack;
let browser: Browser;
const pageErrors: string[] = [];
beforeAll(async () => {
  stack = await startTestStack({ CHECKOUT_IP_BURST: "100", CHECKOUT_IP_PER_MINUTE: "1000" });
  const { sessionId } = await checkout(stack, {
    amount: 4200,
    frequency: "once",
    donor: { email: EMAIL, firstName: "Lou", lastName: "Console", address: ADDRESS },
  });
  await pay(stack, sessionId);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signIn(role: "tresorier" | "auditor"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris", acceptDownloads: true });
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

const rowOf = (page: Page, text: string) => page.getByRole("row").filter({ hasText: text });

describe("a person's data in the console", () => {
  it("the trésorier exports a donor's data as JSON, then erases it after a confirmation saying what is kept", { timeout: 90_000 }, async () => {
    const page = await signIn("tresorier");
    const row = rowOf(page, EMAIL);
    await poll(() => row.count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("button", { name: /Exporter ses données/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as {
      email: string;
      donations: { amount: number; firstName: string }[];
      receipts: unknown[];
    };
    expect(exported.email).toBe(EMAIL);
    expect(exported.donations).toEqual([expect.objectContaining({ amount: 4200, firstName: "Lou" })]);
    expect(exported.receipts).toHaveLength(1);

    // The confirmation says what stays, and why; cancelling writes nothing.
    await row.getByRole("button", { name: /Effacer ses données/ }).click();
    const dialog = page.getByRole("dialog", { name: "Effacer les données de Lou Console" });
    await dialog.waitFor();
    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: join(SCREENS, "donors-erasure-confirm.png") });
    const text = (await dialog.textContent()) ?? "";
    expect(text).toContain("Personne effacée");
    expect(text).toContain("reçus fiscaux");
    expect(text).toContain("article L102 B du livre des procédures fiscales");
    expect(text).toContain("article L123-22 du Code de commerce");
    await dialog.getByRole("button", { name: "Annuler" }).click();
    await poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await rowOf(page, EMAIL).count()).toBe(1);

    await row.getByRole("button", { name: /Effacer ses données/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Effacer ses données" }).click();
    const done = page.getByRole("status").filter({ hasText: "Données effacées" });
    await done.waitFor();
    mkdirSync(SCREENS, { recursive: true });
    await page.screenshot({ path: join(SCREENS, "donors-erased.png") });
    expect(await done.textContent()).toContain(erasureAlias(EMAIL));
    expect(await done.textContent()).toContain("Reçus fiscaux");
    // The list shows the pseudonym (the year's total unchanged), and an erased row offers no second erasure.
    const erased = rowOf(page, erasureAlias(EMAIL));
    await poll(() => erased.count()).toBe(1);
    expect(await erased.textContent()).toContain("PERSONNE EFFACÉE");
    expect(await erased.textContent()).toContain("42,00");
    expect(await rowOf(page, EMAIL).count()).toBe(0);
    expect(await erased.getByRole("button", { name: /Effacer ses données/ }).count()).toBe(0);
    expect(await erased.getByRole("button", { name: /Exporter ses données/ }).count()).toBe(1);
    await page.close();
  });

  it("the auditor sees neither button", { timeout: 60_000 }, async () => {
    const page = await signIn("auditor");
    await poll(() => page.getByRole("row").count()).toBeGreaterThan(1);
    expect(await page.getByRole("button", { name: /Exporter ses données|Effacer ses données/ }).count()).toBe(0);
    await page.goto(`${stack.url}/console/#/dons/adherents`);
    await page.getByRole("heading", { level: 1, name: "Adhérents" }).waitFor();
    expect(await page.getByRole("button", { name: /Exporter ses données|Effacer ses données/ }).count()).toBe(0);
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
