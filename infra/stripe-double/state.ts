/**
 * The Stripe double's shared state: the objects it holds, the events it sent, the idempotent
 * answers it keeps, the failures it was told to make. Every route handler receives it.
 */
import { randomBytes } from "node:crypto";

export type Obj = Record<string, unknown> & { id: string; object: string };

export interface StripeDoubleOptions {
  secretKey: string;
  webhookSecret: string;
  /** Where events are delivered (the back-office's POST /v1/webhooks/stripe). */
  webhookUrl: string;
  /** Delays between delivery attempts after a failure (ms). Live Stripe retries for 3 days. */
  retryDelaysMs?: number[];
}

export interface DeliveryAttempt {
  at: string;
  status: number | "network-error";
}

export type StoredEvent = Obj & { attempts: DeliveryAttempt[] };

/** An API call told to fail (`POST /__dev/failures`), first match by method and path prefix. */
export interface Failure {
  method: string;
  path: string;
  status: number;
  type: string;
  code?: string;
  remaining: number;
}

export interface State {
  opts: StripeDoubleOptions;
  objects: Map<string, Obj>;
  events: StoredEvent[];
  idempotent: Map<string, { status: number; body: string }>;
  /** Every Idempotency-Key the API received, in order (tests check what clients send). */
  idempotencyKeys: string[];
  failures: Failure[];
  /** Subscriptions whose next payment is declined (`POST /__dev/subscriptions/{id}/fail_next`), with the decline code. */
  declines: Map<string, string>;
  retryDelays: number[];
  timers: Set<NodeJS.Timeout>;
  closed: boolean;
  /** `http://127.0.0.1:<port>`, known once the server listens (pages and URLs point there). */
  baseUrl: string;
}

export function createState(opts: StripeDoubleOptions): State {
  return {
    opts,
    objects: new Map(),
    events: [],
    idempotent: new Map(),
    idempotencyKeys: [],
    failures: [],
    declines: new Map(),
    retryDelays: opts.retryDelaysMs ?? [1000, 2000, 4000, 8000, 16000, 32000],
    timers: new Set(),
    closed: false,
    baseUrl: "",
  };
}

export class StripeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
  ) {
    super(message);
  }
}

export const newId = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;

export const unix = (at?: unknown) => Math.floor((at ? new Date(String(at)) : new Date()).getTime() / 1000);

export function put<T extends Obj>(s: State, o: T): T {
  s.objects.set(o.id, o);
  return o;
}

export function get(s: State, oid: string, object?: string): Obj {
  const o = s.objects.get(oid);
  if (!o || (object && o.object !== object)) throw new StripeError(404, `No such ${object ?? "object"}: '${oid}'`);
  return o;
}

/** An object without the double's own bookkeeping fields (`__…`). */
export const publicView = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("__"))) as Obj;
