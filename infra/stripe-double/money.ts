/** Money movements: balance transactions, charges, payment intents, invoices, the balance. */
import { newId, type Obj, put, type State } from "./state.js";

const FEE_PERCENT_TENTHS = 15; // 1.5 %
const FEE_FIXED = 25; // 0.25 EUR

/** Stripe's standard EEA card price: 1.5 % + 0.25 EUR, in cents. */
export const stripeFee = (amount: number) => Math.round((amount * FEE_PERCENT_TENTHS) / 1000) + FEE_FIXED;

export function balanceTransaction(s: State, amount: number, fee: number, type: string, source: string, created: number, currency = "eur"): Obj {
  return put(s, {
    id: newId("txn"),
    object: "balance_transaction",
    amount,
    fee,
    net: amount - fee,
    currency,
    type,
    source,
    status: "available",
    created,
    available_on: created,
    fee_details: fee ? [{ amount: fee, currency, type: "stripe_fee", description: "Stripe processing fees", application: null }] : [],
    reporting_category: type === "charge" ? "charge" : type,
    payout: null,
  });
}

function charge(s: State, pi: Obj, created: number, method: string): Obj {
  const amount = pi.amount as number;
  const currency = String(pi.currency ?? "eur");
  const ch = put(s, {
    id: newId("ch"),
    object: "charge",
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    currency,
    captured: true,
    paid: true,
    refunded: false,
    disputed: false,
    status: "succeeded",
    customer: pi.customer as string,
    payment_intent: pi.id,
    metadata: pi.metadata,
    created,
    balance_transaction: "",
    payment_method_details: { type: method },
    refunds: { object: "list", data: [], has_more: false },
  });
  ch.balance_transaction = balanceTransaction(s, amount, stripeFee(amount), "charge", ch.id, created, currency).id;
  return ch;
}

export function paymentIntent(s: State, amount: number, customer: string, metadata: unknown, created: number, status = "succeeded", currency = "eur"): Obj {
  return put(s, {
    id: newId("pi"),
    object: "payment_intent",
    amount,
    amount_received: status === "succeeded" ? amount : 0,
    currency,
    customer,
    metadata,
    created,
    status,
    latest_charge: null,
  });
}

/** The intent is paid: a charge, its balance transaction with Stripe's fee. */
export function payIntent(s: State, pi: Obj, created: number, method = "card"): Obj {
  const ch = charge(s, pi, created, method);
  pi.latest_charge = ch.id;
  pi.status = "succeeded";
  pi.amount_received = pi.amount;
  return ch;
}

/** A copy of `o` with the ids at each dotted path replaced by their objects (Stripe's `expand`). */
export function expanded(s: State, o: Obj, paths: unknown): Obj {
  const out = structuredClone(o);
  for (const path of Array.isArray(paths) ? paths : paths ? [paths] : []) {
    let node: Record<string, unknown> | undefined = out;
    for (const seg of String(path).split(".")) {
      if (!node || typeof node !== "object") break;
      const v = node[seg];
      if (typeof v === "string" && s.objects.has(v)) node[seg] = structuredClone(s.objects.get(v));
      node = node[seg] as Record<string, unknown> | undefined;
    }
  }
  return out;
}

/** The account's balance: every balance transaction's net, by currency (all available; nothing pending). */
export function balance(s: State) {
  const byCurrency = new Map<string, number>([["eur", 0]]);
  for (const t of s.objects.values())
    if (t.object === "balance_transaction") byCurrency.set(String(t.currency), (byCurrency.get(String(t.currency)) ?? 0) + (t.net as number));
  return {
    object: "balance",
    livemode: false,
    available: [...byCurrency].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } })),
    pending: [...byCurrency.keys()].map((currency) => ({ amount: 0, currency, source_types: { card: 0 } })),
  };
}
