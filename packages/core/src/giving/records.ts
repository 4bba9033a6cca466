/**
 * Where the giving domain's items live in the single table (the storage module `store.ts` reads
 * and writes them; the types are in `types.ts`).
 *
 * | item | pk | sk | index | ttl |
 * | --- | --- | --- | --- | --- |
 * | checkout | `CHECKOUT#<id>` | `CHECKOUT` | | 30 days after creation, removed once paid |
 * | donation | `DONATION#<charge>` | `DONATION` | gsi1 `DONATIONS#<year>` / `<date>#<charge>` | |
 * | member | `MEMBER#<email>` | `MEMBER` | gsi1 `MEMBERS` / email | |
 * | subscription | `SUBSCRIPTION#<id>` | `SUBSCRIPTION` | | |
 * | incident | `INCIDENT#<ref>` | `INCIDENT` | gsi1 `INCIDENTS#<year>` / `<date>#<ref>` | |
 * | public idempotency | `PUBIDEM#<scope hash>` | `PUBIDEM` | | 24 h |
 * | rate bucket | `RATE#<scope>` | `RATE` | | 1 h after last use |
 */

export const checkoutKey = (checkoutId: string) => ({ pk: `CHECKOUT#${checkoutId}`, sk: "CHECKOUT" });
export const donationKey = (chargeId: string) => ({ pk: `DONATION#${chargeId}`, sk: "DONATION" });
export const memberKey = (email: string) => ({ pk: `MEMBER#${email}`, sk: "MEMBER" });
export const subscriptionKey = (id: string) => ({ pk: `SUBSCRIPTION#${id}`, sk: "SUBSCRIPTION" });
export const incidentKey = (ref: string) => ({ pk: `INCIDENT#${ref}`, sk: "INCIDENT" });
export const publicIdempotencyKey = (scoped: string) => ({ pk: `PUBIDEM#${scoped}`, sk: "PUBIDEM" });
export const rateKey = (scope: string) => ({ pk: `RATE#${scope}`, sk: "RATE" });
