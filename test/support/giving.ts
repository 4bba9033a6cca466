/** Helpers for the giving tests: checkouts through the API, the customer paying at the Stripe double. */
import { expect } from "vitest";
import type { EntryView } from "@asso/core/ledger";
import type { TestStack } from "./stack.js";

export const ADDRESS = { line1: "12 rue des Lilas", postalCode: "69003", city: "Lyon", country: "FR" };

export function donation(amount: number, extra: Record<string, unknown> = {}) {
  return {
    amount,
    frequency: "once",
    donor: { email: "camille.martin@example.org", firstName: "Camille", lastName: "Martin", address: ADDRESS },
    ...extra,
  };
}

export async function checkout(stack: TestStack, body: unknown, path = "/v1/public/donations/checkout") {
  const res = await stack.call("POST", path, { role: null, body });
  expect(res.status).toBe(201);
  return (await res.json()) as { sessionId: string; url: string };
}

export async function dev(stack: TestStack, path: string, body: unknown = {}) {
  const res = await fetch(`${stack.stripeUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The Stripe API of the double, as the dashboard would use it (secret key auth, form bodies). */
export async function stripeApi(stack: TestStack, method: string, path: string, form?: Record<string, string>) {
  const res = await fetch(`${stack.stripeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${process.env.STRIPE_SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  return (await res.json()) as Record<string, unknown>;
}

export const pay = (stack: TestStack, sessionId: string, at?: string) => dev(stack, `/__dev/checkout/sessions/${sessionId}/complete`, at ? { at } : {});

export async function trialBalance(stack: TestStack, year: number) {
  const res = await stack.call("GET", `/v1/ledger/trial-balance?year=${year}`, { role: "auditor" });
  const body = (await res.json()) as { accounts: { account: string; balance: number }[] };
  return Object.fromEntries(body.accounts.map((a) => [a.account, a.balance])) as Record<string, number>;
}

/** An entry as the API answers it: the core's own view type, not a copy. */
export type { EntryView };

export async function stripeEntries(stack: TestStack, from: string, to: string): Promise<EntryView[]> {
  const res = await stack.call("GET", `/v1/ledger/entries?journal=ST&from=${from}&to=${to}&limit=500`, { role: "auditor" });
  return ((await res.json()) as { items: EntryView[] }).items;
}

/** The charge a paid session made, read from the double. */
export async function chargeOf(stack: TestStack, sessionId: string): Promise<{ id: string; amount: number; balance_transaction: string }> {
  const s = await stripeApi(stack, "GET", `/v1/checkout/sessions/${sessionId}`);
  const pi = await stripeApi(stack, "GET", `/v1/payment_intents/${s.payment_intent as string}`);
  return (await stripeApi(stack, "GET", `/v1/charges/${pi.latest_charge as string}`)) as never;
}

export const stripeFee = (amount: number) => Math.round((amount * 15) / 1000) + 25;
