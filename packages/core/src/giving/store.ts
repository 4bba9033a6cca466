/**
 * The giving storage module: every DynamoDB read and write of payments (checkout records,
 * donations, members, subscriptions, incidents, public idempotency answers, rate buckets), written
 * with the shared helper `db/store.ts` and called by intent. The other payments files hold rules.
 * Layout: `records.ts`. Reads, pages, batches and transactions go through `db/store.ts`; the two
 * single-item conditional writes it lacks (put, update answering the new item) are here.
 */
import type { Db } from "../db/client.js";
import { listingCursor } from "../db/cursor.js";
import {
  batchGet,
  getItem,
  lostRace,
  putItem,
  queryPage,
  queryPages,
  StaleRead,
  transact,
  TransactionFailed,
  updateItem,
  withConflictRetry,
  type Item,
  type Key,
  type NamedItem,
} from "../db/store.js";
import { readIdempotency } from "../ledger/index.js";
import { checkoutKey, donationKey, incidentKey, memberKey, publicIdempotencyKey, rateKey, subscriptionKey } from "./records.js";
import type { CheckoutRecord, Donation, GiftProjectChange, GiftProjectShare, Incident, Member } from "./types.js";
import { fiscalYearOf } from "../dates.js";
import { nowMs } from "../clock.js";

const DAY = 86_400;
/** Abandoned checkouts' personal data is removed after 30 days (DynamoDB TTL, epoch seconds). */
export const CHECKOUT_TTL_SECONDS = 30 * DAY;
const epoch = (ms = nowMs()) => Math.floor(ms / 1000);

const strip = (item: Item | undefined, ...more: string[]) => {
  if (!item) return undefined;
  const out: Item = { ...item };
  for (const k of ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "ttl", ...more]) delete out[k];
  return out;
};

const put = (db: Db, item: Item, condition?: string) => putItem(db, item, condition ? { expression: condition } : undefined);
const update = updateItem;

// ---------------------------------------------------------------- checkouts

/** Keeps a checkout's details before Stripe is called; they expire after 30 days unless paid. */
export async function saveCheckout(db: Db, record: CheckoutRecord, now = nowMs()): Promise<void> {
  await put(db, { ...checkoutKey(record.checkoutId), ...record, ttl: epoch(now) + CHECKOUT_TTL_SECONDS });
}

export async function setCheckoutSession(db: Db, checkoutId: string, sessionId: string): Promise<void> {
  await update(db, {
    Key: checkoutKey(checkoutId),
    UpdateExpression: "SET sessionId = :s",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeValues: { ":s": sessionId },
  });
}

export async function getCheckout(db: Db, checkoutId: string): Promise<CheckoutRecord | undefined> {
  return strip(await getItem(db, checkoutKey(checkoutId)), "paidOn") as unknown as CheckoutRecord | undefined;
}

/** A paid checkout is kept (monthly renewals read it): its expiry is removed. */
export async function markPaid(db: Db, checkoutId: string, date: string): Promise<void> {
  await update(db, {
    Key: checkoutKey(checkoutId),
    UpdateExpression: "SET paidOn = if_not_exists(paidOn, :d) REMOVE #t",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeNames: { "#t": "ttl" },
    ExpressionAttributeValues: { ":d": date },
  });
}

// ---------------------------------------------------------------- donations

export async function getDonation(db: Db, chargeId: string): Promise<Donation | undefined> {
  return strip(await getItem(db, donationKey(chargeId))) as unknown as Donation | undefined;
}

/** The donation record, written in the same transaction as its ledger entry. */
export function donationItem(donation: Omit<Donation, "refunded" | "receiptId">): NamedItem {
  const names: Record<string, string> = { "#k": "kind" };
  const values: Record<string, unknown> = {
    ":zero": 0,
    ":gp": `DONATIONS#${donation.year}`,
    ":gs": `${donation.date}#${donation.chargeId}`,
    // The person's gifts (the donor space): by e-mail, in date order.
    ":pp": giftsOfEmailPk(donation.email),
  };
  const sets = Object.entries(donation)
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
  // `kind` is the donation's own field (donation | membership): it is among the sets.
  delete names["#k"];
  return {
    name: "donation",
    item: {
      Update: {
        Key: donationKey(donation.chargeId),
        UpdateExpression: `SET ${sets.join(", ")}, refunded = if_not_exists(refunded, :zero), gsi1pk = :gp, gsi1sk = :gs, gsi2pk = :pp, gsi2sk = :gs`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}

/** Adds `delta` to what was taken back from a gift (refund, dispute; negative when it comes back). */
export function refundedItem(chargeId: string, delta: number): NamedItem {
  return {
    name: "donation",
    item: { Update: { Key: donationKey(chargeId), UpdateExpression: "ADD refunded :a", ExpressionAttributeValues: { ":a": delta } } },
  };
}

const giftsOfEmailPk = (email: string) => `GIFTS#${email.toLowerCase()}`;

/** Every donation record (gifts and membership fees) paid under one e-mail, oldest first (gsi2). */
export async function giftsOfEmail(db: Db, email: string, limit?: number): Promise<Donation[]> {
  const out: Donation[] = [];
  for await (const page of queryPages(db, {
    IndexName: "gsi2",
    KeyConditionExpression: "gsi2pk = :p",
    ExpressionAttributeValues: { ":p": giftsOfEmailPk(email) },
    ...(limit ? { Limit: limit } : {}),
  })) {
    out.push(...(page.map((i) => strip(i)) as unknown as Donation[]));
    if (limit && out.length >= limit) break;
  }
  return out;
}

/** Every donation record of a year (gifts and membership fees), a page at a time. */
export async function* donationsOfYear(db: Db, year: number): AsyncGenerator<Donation[]> {
  for await (const page of queryPages(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": `DONATIONS#${year}` },
  }))
    yield page as unknown as Donation[];
}

// ---------------------------------------------------------------- members and subscriptions

export async function getMember(db: Db, email: string): Promise<Member | undefined> {
  return strip(await getItem(db, memberKey(email)), "kind") as unknown as Member | undefined;
}

/**
 * Writes a member over the record read (`over`; null: there was none), or unconditionally when
 * `over` is not given. False when another write came first (a payment, an erasure): read again.
 */
export async function saveMember(db: Db, member: Member, over?: Member | null, also: NamedItem[] = []): Promise<boolean> {
  const item = { ...memberKey(member.email), kind: "member", ...member, gsi1pk: "MEMBERS", gsi1sk: member.email };
  if (also.length) return saveMemberWith(db, item, over, also);
  if (over === undefined) return putItem(db, item);
  if (over === null) return putItem(db, item, { expression: "attribute_not_exists(pk)" });
  return putItem(db, item, {
    expression: "validUntil = :v AND lastPaymentOn = :l",
    values: { ":v": over.validUntil, ":l": over.lastPaymentOn },
  });
}

/** `saveMember` with other intents in the same transaction (the welcome message): all or nothing. */
async function saveMemberWith(db: Db, item: Item, over: Member | null | undefined, also: NamedItem[]): Promise<boolean> {
  const condition =
    over === undefined
      ? {}
      : over === null
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : { ConditionExpression: "validUntil = :v AND lastPaymentOn = :l", ExpressionAttributeValues: { ":v": over.validUntil, ":l": over.lastPaymentOn } };
  try {
    await transact(db, [{ name: "member", item: { Put: { Item: item, ...condition } } }, ...also]);
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && err.has("member")) return false;
    throw err;
  }
}

export async function* membersPages(db: Db): AsyncGenerator<Member[]> {
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": "MEMBERS" } }))
    yield page.map((i) => strip(i, "kind")) as unknown as Member[];
}

/** One page of the members' index (e-mail order) from `start`: the records as stored and the resume key. */
export function memberIndexPage(db: Db, limit: number, start?: Record<string, unknown>) {
  return queryPage(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": "MEMBERS" },
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  });
}

/** The donors' listing cursor (signed): the year, the last row's e-mail and donor identity. */
export const donorsCursor = listingCursor<{ y: number; e: string; i?: string }>("donors");
/** The gifts' listing cursor (signed): the last gift's date and charge, and the year and project filter it was given for. */
export const giftsCursor = listingCursor<{ year: number; date: string; id: string; project: string | null }>("gifts");
/** The members' listing cursor (signed) for one status filter: the index's resume key. */
export const membersCursor = (status: string) => listingCursor<Record<string, string>>(`members:${status}`);

async function setSubscription(db: Db, id: string, set: string, values: Record<string, unknown>) {
  await update(db, {
    Key: subscriptionKey(id),
    UpdateExpression: `SET ${set}, kind = :k`,
    ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ...values, ":k": "subscription" },
  });
}

/** A subscription started (a cancellation that arrived first is kept); its Stripe customer kept for the donor's portal. */
export const subscriptionStarted = (db: Db, id: string, checkoutId: string, customerId?: string) =>
  setSubscription(db, id, `#s = if_not_exists(#s, :s), checkoutId = :c${customerId ? ", customerId = :cu" : ""}`, {
    ":s": "active",
    ":c": checkoutId,
    ...(customerId ? { ":cu": customerId } : {}),
  });
export const subscriptionPaid = (db: Db, id: string, p: { email: string; amount: number; checkoutId: string }) =>
  setSubscription(db, id, "#s = if_not_exists(#s, :s), email = :e, amount = :m, checkoutId = :c", {
    ":s": "active",
    ":e": p.email,
    ":m": p.amount,
    ":c": p.checkoutId,
  });
export const subscriptionCancelled = (db: Db, id: string, date: string) =>
  setSubscription(db, id, "#s = :s, cancelledOn = if_not_exists(cancelledOn, :d)", { ":s": "canceled", ":d": date });

/**
 * A stop asked for the end of the period (`cancel_at_period_end`) taken back in the portal: the
 * subscription runs again, unless Stripe already ended it (`customer.subscription.deleted`).
 */
export async function subscriptionResumed(db: Db, id: string): Promise<void> {
  await update(db, {
    Key: subscriptionKey(id),
    UpdateExpression: "SET #s = :s REMOVE cancelledOn",
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(endedOn)",
    ExpressionAttributeNames: { "#s": "status" },
    ExpressionAttributeValues: { ":s": "active" },
  });
}

/** Stripe ended the subscription (`customer.subscription.deleted`): it never runs again. */
export const subscriptionEnded = (db: Db, id: string, date: string) =>
  setSubscription(db, id, "#s = :s, cancelledOn = if_not_exists(cancelledOn, :d), endedOn = :d", { ":s": "canceled", ":d": date });

export interface SubscriptionRecord {
  subscriptionId: string;
  status: "active" | "canceled";
  email?: string;
  amount?: number;
  checkoutId?: string;
  customerId?: string;
  cancelledOn?: string;
  endedOn?: string;
}

/** The subscription records by id (the donor space: status, amount, customer, owner). */
export async function readSubscriptions(db: Db, ids: readonly string[]): Promise<SubscriptionRecord[]> {
  if (!ids.length) return [];
  return (await batchGet(db, [...new Set(ids)].map(subscriptionKey))).map((it) => {
    const { pk, sk: _s, kind: _k, ...rest } = it;
    return { ...rest, subscriptionId: String(pk).slice("SUBSCRIPTION#".length) } as unknown as SubscriptionRecord;
  });
}

/** Status of each subscription (`active`, `canceled`) by id. */
export async function subscriptionStatuses(db: Db, ids: readonly string[], opts: { consistent?: boolean } = {}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const it of await batchGet(db, ids.map(subscriptionKey), opts)) out.set(String(it.pk).slice("SUBSCRIPTION#".length), it.status as string);
  return out;
}

// ---------------------------------------------------------------- incidents

/** Records (or updates) what the trésorier must look at; listed under the fiscal year of its date. */
export async function recordIncident(db: Db, incident: Incident): Promise<void> {
  const year = fiscalYearOf(incident.date);
  await put(db, { ...incidentKey(incident.ref), kind: "incident", ...incident, gsi1pk: `INCIDENTS#${year}`, gsi1sk: `${incident.date}#${incident.ref}` });
}

export async function getIncident(db: Db, ref: string): Promise<Incident | undefined> {
  return strip(await getItem(db, incidentKey(ref)), "kind") as unknown as Incident | undefined;
}

/**
 * Stripe movements (charge, refund, dispute or payout ids) the webhook decided not to book, with
 * the incident that says why (not ours, not its checkout's, another currency): the bank's Stripe
 * balance lists them apart, instead of waiting for a webhook that has come and gone.
 */
export async function unbookedMovements(db: Db, ids: readonly string[]): Promise<Map<string, Incident>> {
  const unique = [...new Set(ids)];
  const keys = unique.flatMap((id) => [incidentKey(`foreign:${id}`), incidentKey(id)]);
  const out = new Map<string, Incident>();
  const NOT_BOOKED = new Set(["foreign_payment", "checkout_mismatch", "payout_currency"]);
  for (const it of await batchGet(db, keys)) {
    const incident = strip(it, "kind") as unknown as Incident;
    if (!NOT_BOOKED.has(incident.type)) continue;
    out.set(incident.ref.startsWith("foreign:") ? incident.ref.slice("foreign:".length) : incident.ref, incident);
  }
  return out;
}

export async function* incidentsOfYear(db: Db, year: number): AsyncGenerator<Incident[]> {
  for await (const page of queryPages(db, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": `INCIDENTS#${year}` },
  }))
    yield page.map((i) => strip(i, "kind")) as unknown as Incident[];
}

// ---------------------------------------------------------------- bookings

/** True once the Stripe movement `ref` (charge:…, refund:…) has its ledger entry. */
export async function isBooked(db: Db, ref: string): Promise<boolean> {
  return !!(await readIdempotency(db, "stripe", ref));
}

// ---------------------------------------------------------------- public idempotency

export interface StoredAnswer {
  requestHash: string;
  answer: unknown;
}

export async function getPublicAnswer(db: Db, scoped: string): Promise<StoredAnswer | undefined> {
  const it = await getItem(db, publicIdempotencyKey(scoped));
  if (!it || (typeof it.ttl === "number" && it.ttl < epoch())) return undefined;
  return { requestHash: it.requestHash as string, answer: JSON.parse(it.answer as string) };
}

/** Keeps the first answer for a scoped key for `ttlSeconds` (a concurrent first writer wins). */
export async function savePublicAnswer(db: Db, scoped: string, stored: StoredAnswer, ttlSeconds: number): Promise<void> {
  await put(
    db,
    {
      ...publicIdempotencyKey(scoped),
      kind: "public-idempotency",
      requestHash: stored.requestHash,
      answer: JSON.stringify(stored.answer),
      ttl: epoch() + ttlSeconds,
    },
    "attribute_not_exists(pk)",
  );
}

// ---------------------------------------------------------------- rate buckets

export interface BucketRule {
  /** Requests allowed at once (the bucket's size). */
  burst: number;
  /** Sustained requests per second (the refill rate). */
  perSecond: number;
}

/**
 * Takes one token from the bucket `scope`, written as a generic cell rate algorithm: the item holds
 * the theoretical arrival time `tat` (ms) and the rule it was written under. A request is allowed
 * when the new `tat` stays within `burst` intervals of now. A refusal costs one read and no write;
 * an acceptance one read and one conditional update that commutes with concurrent acceptances
 * (`tat = tat + interval`), so a burst from one address does not turn into a storm of retries.
 * Answers the seconds to wait when refused.
 */
export async function takeToken(db: Db, scope: string, rule: BucketRule, now = nowMs()): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
  const interval = 1000 / rule.perSecond;
  const window = rule.burst * interval;
  const ruleId = `${rule.burst}/${rule.perSecond}`;
  const key = rateKey(scope);
  const ttl = epoch(now + window) + 3600;
  const attempt = async (): Promise<{ ok: true } | { ok: false; retryAfter: number }> => {
    const item = await getItem(db, key);
    const tat = item?.tat as number | undefined;
    if (item && item.rule === ruleId && tat !== undefined && tat >= now) {
      // Busy bucket: room for one more while tat stays within the window.
      if (tat > now + window - interval) return { ok: false, retryAfter: Math.max(1, Math.ceil((tat - (now + window - interval)) / 1000)) };
      const r = await update(db, {
        Key: key,
        UpdateExpression: "SET tat = tat + :i, #t = :ttl",
        ConditionExpression: "#r = :rule AND tat >= :now AND tat <= :max",
        ExpressionAttributeNames: { "#t": "ttl", "#r": "rule" },
        ExpressionAttributeValues: { ":i": interval, ":now": now, ":max": now + window - interval, ":ttl": ttl, ":rule": ruleId },
      });
      if (r !== false) return { ok: true };
    } else {
      // New or idle bucket, or one written under another rule (the settings changed): start from now.
      const r = await update(db, {
        Key: key,
        UpdateExpression: "SET tat = :n, #r = :rule, #t = :ttl",
        ConditionExpression: "attribute_not_exists(tat) OR #r <> :rule OR tat < :now",
        ExpressionAttributeNames: { "#t": "ttl", "#r": "rule" },
        ExpressionAttributeValues: { ":n": now + interval, ":now": now, ":ttl": ttl, ":rule": ruleId },
      });
      if (r !== false) return { ok: true };
    }
    throw new StaleRead("another request moved the bucket");
  };
  try {
    return await withConflictRetry(attempt, { attempts: 5, retryIf: lostRace, backoffCap: 50 });
  } catch (err) {
    // Lost every race: the bucket is contended, which is itself a sign of a burst.
    if (err instanceof StaleRead) return { ok: false, retryAfter: 1 };
    throw err;
  }
}

// ---------------------------------------------------------------- one person's records (export, erasure)

/** One person's records as stored (keys and all): the personal-data use cases read and rewrite them whole. */
export interface PersonItems {
  donations: Item[];
  checkouts: Item[];
  member?: Item;
  subscriptions: Item[];
  incidents: Item[];
}

const sameEmail = (emails: ReadonlySet<string>) => (i: Item) => typeof i.email === "string" && emails.has(i.email.toLowerCase());

/**
 * Where each address's records are, from one pass over the donations and incidents of `years`
 * (by their year index): read once, then a person's records are read by key. The retention run
 * reads it once for everybody.
 */
export interface PeopleIndex {
  /** Donation keys and dates by lower-cased e-mail. */
  donations: Map<string, { key: Key; date: string }[]>;
  /** Every incident of the years, with what the search reads. */
  incidents: { key: Key; email?: string; ref: string; detail: string; date: string }[];
}

export async function readPeopleIndex(db: Db, years: readonly number[]): Promise<PeopleIndex> {
  const donations = new Map<string, { key: Key; date: string }[]>();
  const incidents: PeopleIndex["incidents"] = [];
  for (const year of years) {
    for await (const page of queryPages(db, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": `DONATIONS#${year}` },
    }))
      for (const d of page) {
        if (typeof d.email !== "string") continue;
        const e = d.email.toLowerCase();
        donations.set(e, [...(donations.get(e) ?? []), { key: donationKey(d.chargeId as string), date: d.date as string }]);
      }
    for await (const page of queryPages(db, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": `INCIDENTS#${year}` },
    }))
      for (const i of page)
        incidents.push({
          key: { pk: i.pk as string, sk: i.sk as string },
          ...(typeof i.email === "string" ? { email: i.email.toLowerCase() } : {}),
          ref: String(i.ref ?? ""),
          detail: String(i.detail ?? ""),
          date: String(i.date ?? ""),
        });
  }
  return { donations, incidents };
}

/**
 * Every record of giving that carries one of `emails` (the address, and its erasure alias): its
 * donations (found in `index`, read again by key), their checkout records and subscriptions (by
 * key), the member record, and the incidents that name the address or one of its charges.
 * Abandoned checkouts (no gift) have no index: they expire after 30 days.
 */
export async function readPersonItems(db: Db, emails: readonly string[], index: PeopleIndex): Promise<PersonItems> {
  const wanted = new Set(emails.map((e) => e.toLowerCase()));
  const keys = [...wanted].flatMap((e) => (index.donations.get(e) ?? []).map((d) => d.key));
  const donations = (await batchGet(db, keys)).filter(sameEmail(wanted));
  const checkoutIds = [...new Set(donations.map((d) => d.checkoutId as string).filter(Boolean))];
  const subscriptionIds = [...new Set(donations.map((d) => d.subscriptionId as string).filter(Boolean))];
  const checkouts = await batchGet(db, checkoutIds.map(checkoutKey));
  const subscriptions = await batchGet(db, subscriptionIds.map(subscriptionKey));
  let member: Item | undefined;
  for (const e of wanted) member ??= await getItem(db, memberKey(e));
  const chargeIds = donations.map((d) => d.chargeId as string);
  const named = index.incidents.filter((i) => (i.email && wanted.has(i.email)) || chargeIds.some((c) => i.ref.includes(c) || i.detail.includes(c)));
  return {
    donations,
    checkouts,
    member,
    subscriptions,
    incidents: await batchGet(
      db,
      named.map((i) => i.key),
    ),
  };
}

/**
 * Each address's last contact with the association: its last gift or fee, the end of its
 * membership, its last incident (an address known only from a payment that was not ours).
 * Addresses `skip` names (erasure aliases) are left out. For the retention run.
 */
export async function lastContacts(db: Db, index: PeopleIndex, skip: (email: string) => boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const seen = (email: unknown, date: unknown) => {
    if (typeof email !== "string" || typeof date !== "string" || skip(email)) return;
    const e = email.toLowerCase();
    if ((out.get(e) ?? "") < date) out.set(e, date);
  };
  for (const [email, gifts] of index.donations) for (const g of gifts) seen(email, g.date);
  for (const i of index.incidents) seen(i.email, i.date);
  for await (const page of queryPages(db, { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": "MEMBERS" } }))
    for (const m of page) seen(m.email, m.validUntil);
  return out;
}

/**
 * The index keys an erased record moves to: a donation listed under its e-mail (the donor space's
 * `GIFTS#<email>`) is listed under the alias instead, so the address no longer leads to it.
 */
export function erasedIndexKeys(item: Item, alias: string): Item {
  return typeof item.gsi2pk === "string" && item.gsi2pk.startsWith("GIFTS#") ? { gsi2pk: giftsOfEmailPk(alias) } : {};
}

/** A record without its storage keys, as the export answers it (`itemKind`: its `kind` is the item's, not its own field). */
export const plainRecord = (item: Item, itemKind = false) => (itemKind ? strip(item, "kind") : strip(item)) as Item;

/**
 * Pseudonymises one record in place: sets `set` and removes `remove`, only the fields named (a
 * refund booked meanwhile is kept), and stamps `erasedOn`. Nothing is written to a record erased
 * already or gone: answers false.
 */
export async function eraseFields(db: Db, key: Key, set: Record<string, unknown>, remove: readonly string[]): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(set).map(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    return `#s${i} = :s${i}`;
  });
  const removes = remove.map((k, i) => {
    names[`#r${i}`] = k;
    return `#r${i}`;
  });
  names["#e"] = "erasedOn";
  const r = await update(db, {
    Key: { pk: key.pk, sk: key.sk },
    UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#e)",
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  return r !== false;
}

/**
 * Moves a member record to its alias's key (the member record is keyed by e-mail), in one
 * transaction; false (nothing written) when the record moved meanwhile (a renewal: read again).
 */
export async function moveMemberRecord(db: Db, from: Item, to: Item): Promise<boolean> {
  try {
    await transact(db, [
      {
        name: "old",
        item: {
          Delete: {
            Key: { pk: from.pk as string, sk: from.sk as string },
            ConditionExpression: "validUntil = :v AND lastPaymentOn = :l",
            ExpressionAttributeValues: { ":v": from.validUntil, ":l": from.lastPaymentOn },
          },
        },
      },
      { name: "new", item: { Put: { Item: to, ConditionExpression: "attribute_not_exists(pk)" } } },
    ]);
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed) return false;
    throw err;
  }
}

// ---------------------------------------------------------------- a gift's project

/**
 * A gift moved to another project (`to.project` null: none) or split between projects
 * (`to.projects`), its change appended to its history, on the condition that it is still as read:
 * on `from` (or a split), with as many changes in its history and `refunded` as read (a refund or
 * another re-assignment meanwhile: the intent `gift-project` fails, nothing is written).
 */
export function giftProjectItem(
  chargeId: string,
  read: { from: string | null; split: boolean; changes: number; refunded: number },
  to: { project: string | null; projects: GiftProjectShare[] | null },
  change: GiftProjectChange,
): NamedItem {
  const names: Record<string, string> = { "#p": "project", "#s": "projects", "#h": "projectHistory", "#r": "refunded", "#k": "kind" };
  const values: Record<string, unknown> = { ":c": [change], ":none": [], ":r": read.refunded, ":d": "donation", ":n": read.changes };
  if (read.from !== null) values[":from"] = read.from;
  if (to.project !== null) values[":to"] = to.project;
  if (to.projects !== null) values[":s"] = to.projects;
  const refundedAsRead = read.refunded === 0 ? "(attribute_not_exists(#r) OR #r = :r)" : "#r = :r";
  const changesAsRead = read.changes === 0 ? "(attribute_not_exists(#h) OR size(#h) = :n)" : "size(#h) = :n";
  const set = ["#h = list_append(if_not_exists(#h, :none), :c)", ...(to.project !== null ? ["#p = :to"] : []), ...(to.projects !== null ? ["#s = :s"] : [])];
  const remove = [...(to.project === null ? ["#p"] : []), ...(to.projects === null ? ["#s"] : [])];
  return {
    name: "gift-project",
    item: {
      Update: {
        Key: donationKey(chargeId),
        UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
        ConditionExpression: [
          "attribute_exists(pk) AND #k = :d",
          read.from === null ? "attribute_not_exists(#p)" : "#p = :from",
          read.split ? "attribute_exists(#s)" : "attribute_not_exists(#s)",
          changesAsRead,
          refundedAsRead,
        ].join(" AND "),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  };
}
