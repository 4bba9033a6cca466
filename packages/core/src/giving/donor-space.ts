/**
 * The donor's space, giving's part: a link without an account. An e-mail address that gave, joined
 * or paid a gift gets a signed link to `<PUBLIC_BASE_URL>/espace/?token=…`; the token carries the
 * address and its expiry, signed with HMAC-SHA256 under a key derived from the stack's managed
 * secret (`CURSOR_SECRET`, filled from Secrets Manager by `loadSecrets`; locally a development
 * key), so it works from any device, as many times as wanted, until it expires (30 minutes).
 *
 * What the space reads here: the person's gifts (by e-mail, gsi2 `GIFTS#<email>`), their monthly
 * gifts (the subscription records) and their membership. The receipts are the receipts domain's;
 * the workflow `workflows/donor-space.ts` joins the two and sends the link through the mail door.
 *
 * Errors: DonorLinkError (401: not a link this back-office signed), DonorLinkExpiredError (401,
 * French detail the page turns into "Ce lien a expiré — recevoir un nouveau lien"),
 * TooManyRequestsError (429), NotFoundError (a subscription that is not the person's).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { nowMs } from "../clock.js";
import type { Db } from "../db/client.js";
import { DomainError, NotFoundError, TooManyRequestsError } from "../errors.js";
import { type AbuseSettings, callerBucket } from "./abuse.js";
import { type BucketRule, getIncident, getMember, giftsOfEmail, readSubscriptions, takeToken } from "./store.js";
import type { Donation } from "./types.js";
import { projectNames } from "../projects/index.js";

/** How long a link sent on request is valid. */
export const DONOR_ACCESS_TTL_MS = 30 * 60 * 1000;
/** How long the link in a failed-payment message is valid (the donor may read it the next day). */
export const DONOR_FIX_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** A link that does not verify (forged, altered, truncated). */
export class DonorLinkError extends DomainError {
  readonly status = 401;
  readonly title = "Unauthorized";
  readonly slug = "donor-link-invalid";
}
/** A link past its validity: the page offers a new one. */
export class DonorLinkExpiredError extends DomainError {
  readonly status = 401;
  readonly title = "Unauthorized";
  readonly slug = "donor-link-expired";
}

const DEV_KEY = "local-development-cursor-key";
const PURPOSE = "donor-access";
const key = (env: Record<string, string | undefined> = process.env) =>
  createHmac("sha256", env.CURSOR_SECRET || DEV_KEY)
    .update(PURPOSE)
    .digest();
const mac = (payload: string) => createHmac("sha256", key()).update(`${PURPOSE}\u0000${payload}`).digest("base64url");

export const normalEmail = (email: string) => email.trim().toLowerCase();

/** A token for `email`, valid until `expiresAtMs` (a test may sign one already expired). */
export function signDonorToken(email: string, expiresAtMs: number): string {
  const payload = Buffer.from(JSON.stringify({ e: normalEmail(email), x: expiresAtMs })).toString("base64url");
  return `${payload}.${mac(payload)}`;
}

/** The address and expiry a token carries; 401 when it is not ours, 401 (expired) past its time. */
export function verifyDonorToken(token: string | undefined, now = nowMs()): { email: string; expiresAt: string } {
  const bad = () => new DonorLinkError("Ce lien n'est pas valable : demandez un nouveau lien.");
  if (!token || token.length > 2048) throw bad();
  const [payload, given, ...rest] = token.split(".");
  if (!payload || !given || rest.length) throw bad();
  const want = Buffer.from(mac(payload));
  const got = Buffer.from(given);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw bad();
  let claims: { e?: unknown; x?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { e?: unknown; x?: unknown };
  } catch {
    throw bad();
  }
  if (typeof claims.e !== "string" || typeof claims.x !== "number" || !Number.isFinite(claims.x)) throw bad();
  if (claims.x <= now) throw new DonorLinkExpiredError("Ce lien a expiré : recevez un nouveau lien, valable 30 minutes.");
  return { email: claims.e, expiresAt: new Date(claims.x).toISOString() };
}

/** The link of the space for `email`, valid `ttlMs` from now. */
export function donorSpaceLink(publicBase: string, email: string, ttlMs = DONOR_ACCESS_TTL_MS, now = nowMs()): { link: string; expiresAt: string } {
  const expires = now + ttlMs;
  const base = publicBase.endsWith("/") ? publicBase : `${publicBase}/`;
  return { link: `${base}espace/?token=${encodeURIComponent(signDonorToken(email, expires))}`, expiresAt: new Date(expires).toISOString() };
}

// ---------------------------------------------------------------- asking for a link

/** Links asked for one address (whoever asks): past it nothing more is sent, and the answer is the same. */
export const DONOR_ACCESS_PER_EMAIL: BucketRule = { burst: 5, perSecond: 5 / 3600 };

/**
 * The asking caller's buckets, sized like the checkout's (per address, and global), counted apart
 * from it: 429 with the seconds to wait. Answers whether `email` may receive one more link now (a
 * refusal there is silent: the answer must not tell whether the address is known).
 */
export async function checkDonorAccessRate(db: Db, settings: AbuseSettings, ip: string, email: string, now = nowMs()): Promise<{ mayMail: boolean }> {
  const mine = await takeToken(db, `donor-access:ip:${callerBucket(ip)}`, settings.perIp, now);
  if (!mine.ok) throw new TooManyRequestsError("Trop de demandes depuis cette adresse : réessayez plus tard.", mine.retryAfter);
  const all = await takeToken(db, "donor-access:global", settings.global, now);
  if (!all.ok) throw new TooManyRequestsError("Trop de demandes en ce moment : réessayez dans un instant.", all.retryAfter);
  const perEmail = await takeToken(db, `donor-access:email:${normalEmail(email)}`, DONOR_ACCESS_PER_EMAIL, now);
  return { mayMail: perEmail.ok };
}

/** Whether anyone gave, joined or paid under this address (the same two reads whatever the answer). */
export async function isKnownPerson(db: Db, email: string): Promise<{ known: boolean; name?: string }> {
  const e = normalEmail(email);
  const [gifts, member] = await Promise.all([giftsOfEmail(db, e, 1), getMember(db, e)]);
  const first = gifts[0]?.firstName ?? member?.firstName;
  return { known: gifts.length > 0 || !!member, ...(first ? { name: first } : {}) };
}

// ---------------------------------------------------------------- what the space shows

export interface DonorGift {
  reference: string;
  date: string;
  amount: number;
  refunded: number;
  kind: "donation" | "membership";
  frequency: "once" | "monthly";
  subscriptionId?: string;
  /** The project the gift goes to (dons affectés), as it is now. */
  project?: { code: string; name: string };
  /** Or the projects the trésorier split it between, each with its share (a fraction of 1). */
  projects?: { code: string; name: string; share: number }[];
}

export interface DonorMonthly {
  subscriptionId: string;
  amount: number;
  status: "active" | "stopped";
  since: string;
  lastPayment: string;
  payments: number;
  paid: number;
  stoppedOn?: string;
}

export interface DonorMembership {
  tierId: string;
  validFrom?: string;
  validUntil: string;
  lastPaymentOn: string;
}

/** The person's gifts (newest first), monthly gifts and membership: plain data. */
export async function donorRecords(
  db: Db,
  email: string,
): Promise<{ gifts: DonorGift[]; donations: Donation[]; monthly: DonorMonthly[]; membership?: DonorMembership }> {
  const e = normalEmail(email);
  const [indexed, member] = await Promise.all([giftsOfEmail(db, e), getMember(db, e)]);
  // The index may lag a rewrite of the record (an erasure): the record's own address decides.
  const donations = indexed.filter((d) => normalEmail(d.email) === e);
  const subIds = [...new Set(donations.flatMap((d) => (d.subscriptionId ? [d.subscriptionId] : [])))];
  const subs = await readSubscriptions(db, subIds);
  const monthly: DonorMonthly[] = subIds.flatMap((id) => {
    const rec = subs.find((s) => s.subscriptionId === id);
    // A subscription paid under another address is not this person's to stop.
    if (rec?.email && normalEmail(rec.email) !== e) return [];
    const paid = donations.filter((d) => d.subscriptionId === id).sort((a, b) => (a.date < b.date ? -1 : 1));
    const stopped = rec?.status === "canceled";
    return [
      {
        subscriptionId: id,
        amount: rec?.amount ?? paid.at(-1)!.amount,
        status: stopped ? ("stopped" as const) : ("active" as const),
        since: paid[0]!.date,
        lastPayment: paid.at(-1)!.date,
        payments: paid.length,
        paid: paid.reduce((s, d) => s + d.amount - (d.refunded ?? 0), 0),
        ...(stopped && rec?.cancelledOn ? { stoppedOn: rec.cancelledOn } : {}),
      },
    ];
  });
  const names = await projectNames(db, [
    ...new Set(donations.flatMap((d) => [...(d.project ? [d.project] : []), ...(d.projects ?? []).map((p) => p.projectId)])),
  ]);
  const gifts: DonorGift[] = donations
    .map((d) => ({
      reference: d.chargeId,
      date: d.date,
      amount: d.amount,
      refunded: d.refunded ?? 0,
      kind: d.kind,
      frequency: d.frequency,
      ...(d.subscriptionId ? { subscriptionId: d.subscriptionId } : {}),
      ...(d.project ? { project: { code: d.project, name: names.get(d.project) ?? d.project } } : {}),
      ...(d.projects?.length ? { projects: d.projects.map((p) => ({ code: p.projectId, name: names.get(p.projectId) ?? p.projectId, share: p.share })) } : {}),
    }))
    .sort((a, b) => (a.date > b.date ? -1 : a.date < b.date ? 1 : 0));
  const m = member as (typeof member & { validFrom?: string }) | undefined;
  return {
    gifts,
    donations,
    monthly,
    ...(m
      ? { membership: { tierId: m.tierId, ...(m.validFrom ? { validFrom: m.validFrom } : {}), validUntil: m.validUntil, lastPaymentOn: m.lastPaymentOn } }
      : {}),
  };
}

/** The Stripe customer of one of the person's subscriptions (404 when it is not theirs or unknown). */
export async function donorSubscription(
  db: Db,
  email: string,
  subscriptionId: string,
): Promise<{ subscriptionId: string; customerId?: string; status: string }> {
  const [rec] = await readSubscriptions(db, [subscriptionId]);
  if (!rec?.email || normalEmail(rec.email) !== normalEmail(email)) throw new NotFoundError("Ce don mensuel n'est pas le vôtre, ou n'existe pas.");
  return { subscriptionId, status: rec.status, ...(rec.customerId ? { customerId: rec.customerId } : {}) };
}

/** A failed monthly payment as the webhook recorded it (its incident): whom to tell, how much, when. */
export async function failedPayment(db: Db, invoiceId: string): Promise<{ email: string; amount: number; date: string } | undefined> {
  const i = await getIncident(db, invoiceId);
  if (i?.type !== "invoice_payment_failed" || !i.email) return undefined;
  return { email: normalEmail(i.email), amount: i.amount, date: i.date };
}

// ---------------------------------------------------------------- schemas

export const DonorAccessInput = z.strictObject({ email: z.email("must be an email address").max(254) }).meta({ id: "DonorAccessRequest" });
export const DonorAccessSchema = z.object({ sent: z.literal(true) }).meta({ id: "DonorAccess" });

export const DonorPortalInput = z
  .strictObject({
    subscriptionId: z.string().min(1).max(255),
    action: z.enum(["card", "cancel"]).default("card").describe("card: change the card; cancel: straight to the stop"),
  })
  .meta({ id: "DonorPortalRequest" });
export const DonorPortalSchema = z.object({ url: z.string() }).meta({ id: "DonorPortal" });

export const DonorReceiptFileParam = z.strictObject({ file: z.string().regex(/^\d{4}-\d{6}\.pdf$/, "must be <receipt number>.pdf") });

export const DonorSpaceSchema = z
  .object({
    email: z.string(),
    expiresAt: z.string().describe("when the link stops working (ISO instant)"),
    gifts: z.array(
      z.object({
        reference: z.string(),
        date: z.string(),
        amount: z.number().int(),
        refunded: z.number().int(),
        kind: z.enum(["donation", "membership"]),
        frequency: z.enum(["once", "monthly"]),
        subscriptionId: z.string().optional(),
        project: z.object({ code: z.string(), name: z.string() }).optional().describe("the project the gift goes to (dons affectés)"),
        projects: z
          .array(z.object({ code: z.string(), name: z.string(), share: z.number() }))
          .optional()
          .describe("or the projects the trésorier split it between, each with its share (a fraction)"),
      }),
    ),
    receipts: z.array(
      z.object({
        id: z.string(),
        year: z.number().int(),
        kind: z.enum(["single", "annual"]),
        status: z.enum(["issued", "cancelled"]),
        issuedOn: z.string(),
        amount: z.number().int(),
        replacedBy: z.string().optional(),
        url: z.string().describe("GET with the same token"),
      }),
    ),
    monthly: z.array(
      z.object({
        subscriptionId: z.string(),
        amount: z.number().int(),
        status: z.enum(["active", "stopped"]),
        since: z.string(),
        lastPayment: z.string(),
        payments: z.number().int(),
        paid: z.number().int().describe("kept of what was paid, net of refunds (what the year's recap covers)"),
        stoppedOn: z.string().optional(),
      }),
    ),
    membership: z
      .object({
        tierId: z.string(),
        tierLabel: z.string().optional(),
        validFrom: z.string().optional(),
        validUntil: z.string(),
        lastPaymentOn: z.string(),
        status: z.enum(["active", "expired"]),
        renewUrl: z.string().describe("the giving page's membership form for this tier and address"),
      })
      .nullable(),
  })
  .meta({ id: "DonorSpace" });
export type DonorSpace = z.output<typeof DonorSpaceSchema>;
