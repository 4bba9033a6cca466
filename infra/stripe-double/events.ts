/** Events: created, signed with the webhook secret (`t=…,v1=…`), delivered, retried with backoff. */
import { createHmac } from "node:crypto";
import { type DeliveryAttempt, newId, type Obj, type State, type StoredEvent, unix } from "./state.js";

export const sign = (secret: string, payload: string, t: number) => `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${payload}`).digest("hex")}`;

/** One delivery attempt; true when the webhook answered 2xx. */
export async function attempt(s: State, event: StoredEvent): Promise<boolean> {
  const { attempts, ...wire } = event;
  const payload = JSON.stringify(wire, null, 2);
  let status: DeliveryAttempt["status"];
  try {
    const res = await fetch(s.opts.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "stripe-signature": sign(s.opts.webhookSecret, payload, Math.floor(Date.now() / 1000)),
        "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
      },
      body: payload,
    });
    status = res.status;
    await res.arrayBuffer();
  } catch {
    status = "network-error";
  }
  attempts.push({ at: new Date().toISOString(), status });
  return typeof status === "number" && status >= 200 && status < 300;
}

/** Delivers an event now; on failure schedules the retries in the background. */
async function deliver(s: State, event: StoredEvent, retry = 0): Promise<void> {
  if (s.closed) return;
  if ((await attempt(s, event)) || retry >= s.retryDelays.length) return;
  const timer = setTimeout(() => {
    s.timers.delete(timer);
    void deliver(s, event, retry + 1);
  }, s.retryDelays[retry]);
  s.timers.add(timer);
}

/**
 * Records an event about a copy of `object` (as it is now) and delivers it. A `*.updated` event
 * carries `data.previous_attributes` (the changed fields' old values), as Stripe's do.
 */
export async function emit(s: State, type: string, object: Obj, at?: unknown, previous?: Record<string, unknown>): Promise<Obj> {
  const event: StoredEvent = {
    id: newId("evt"),
    object: "event",
    api_version: "2026-10-28.endive",
    created: unix(at),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: structuredClone(object), ...(previous ? { previous_attributes: structuredClone(previous) } : {}) },
    attempts: [] as DeliveryAttempt[],
  };
  s.events.unshift(event);
  await deliver(s, event);
  return event;
}
