/**
 * Signing in to the staff console in headless Chromium, as the browser tests do: a fresh context
 * (French locale, Paris time), the local sign-in page's role, the screens' navigation waited for,
 * and the first-run redirection to « Paramètres » let pass (`firstRunChecked`). Page errors go to `errors`, which each
 * test then expects empty.
 */
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";

export type ConsoleRole = "tresorier" | "delegation" | "auditor";

/** The sign-in page's label of each role. */
const ROLE_LABELS: Record<ConsoleRole, string> = {
  tresorier: "Trésorier",
  delegation: "Délégation générale",
  auditor: "Auditeur (commissaire aux comptes)",
};

export interface SignIn {
  role?: ConsoleRole;
  viewport?: { width: number; height: number };
  /** Where the page's uncaught errors are pushed. */
  errors?: string[];
  /** Playwright's default timeout for the page (ms). */
  timeout?: number;
}

export async function signInConsole(browser: Browser, url: string, opts: SignIn = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  page.setDefaultTimeout(opts.timeout ?? 10_000);
  if (opts.errors) {
    const errors = opts.errors;
    page.on("pageerror", (err) => errors.push(err.message));
  }
  await page.goto(`${url}/console/`);
  await page.getByRole("heading", { level: 1, name: "Connexion à la console" }).waitFor();
  await page.getByLabel(ROLE_LABELS[opts.role ?? "tresorier"]).check();
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("navigation", { name: "Écrans" }).waitFor();
  await firstRunChecked(page);
  return page;
}

/**
 * A first run sends the trésorier to « Paramètres »: waits until the console's check has answered
 * (and redirected, if it did), which it marks `<html data-first-run>`, before the test moves on.
 */
export async function firstRunChecked(page: Page): Promise<void> {
  await page.locator("html[data-first-run]").waitFor({ state: "attached", timeout: 15_000 });
}

/**
 * Opens a screen by its hash (`#/depenses`) and waits for its title and for nothing to be loading.
 * `heading` is the screen's h1 unless `level` says otherwise.
 */
export async function openScreen(page: Page, hash: string, heading: string | RegExp, level?: number): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole("heading", { ...(level === undefined ? { level: 1 } : level ? { level } : {}), name: heading }).waitFor();
  await expect.poll(() => page.locator(".loading").count(), { timeout: 15_000, interval: 100 }).toBe(0);
}
