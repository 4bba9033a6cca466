/**
 * Lambda: the donor's space. A link asked for by e-mail (rate-limited per caller address like the
 * checkout, the same answer for any address), then the space's reads and Stripe's customer portal
 * with the token the link carries (`Authorization: Bearer <token>`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { dbFromEnv } from "@asso/core/db";
import { publicProjects, stripeFromEnv } from "@asso/core/giving";
import { abuseSettingsOf, givingOptionsOf, givingSettingsOf } from "@asso/core/settings";
import { donorPortalSession, donorReceiptFile, readDonorSpace, requestDonorAccess } from "@asso/core/workflows/donor-space";
import { clientIp, defineGroup, type HttpEvent, type Request } from "../http.js";
import type { RouteDef } from "../route.js";

const caller = new AsyncLocalStorage<string>();

/** The site the link opens: PUBLIC_BASE_URL, else this API's own host (never the request's Origin). */
const publicBase = (req: Request<RouteDef>) => process.env.PUBLIC_BASE_URL || `https://${req.headers.host ?? "localhost"}`;

/** The link's token, from `Authorization: Bearer …` only (a token in a URL ends up in logs and histories). */
const tokenOf = (req: Request<RouteDef>) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];

const inner = defineGroup("donor", {
  // The giving page's projects (dons affectés): here, since this function may read the projects' registry.
  publicProjects: async () => {
    const db = dbFromEnv();
    return publicProjects(db, (await givingOptionsOf(db)).projects ?? []);
  },
  donorAccess: async (req) => {
    const db = dbFromEnv();
    const sent = await requestDonorAccess(db, {
      email: req.body.email,
      ip: caller.getStore() ?? "unknown",
      publicBase: publicBase(req),
      abuse: await abuseSettingsOf(db),
    });
    return { status: 202, body: sent };
  },
  donorSpace: async (req) => {
    const db = dbFromEnv();
    return readDonorSpace(db, tokenOf(req), {
      publicBase: publicBase(req),
      tierLabel: async (id) => (await givingSettingsOf(db)).tiers.find((t) => t.id === id)?.label,
    });
  },
  donorReceiptPdf: async (req) => {
    const id = req.params.file.replace(/\.pdf$/, "");
    const pdf = await donorReceiptFile(dbFromEnv(), tokenOf(req), id);
    return { body: Buffer.from(pdf), headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="recu-fiscal-${id}.pdf"` } };
  },
  donorPortalSession: async (req) => {
    const { client } = await stripeFromEnv();
    return donorPortalSession(dbFromEnv(), client, tokenOf(req), { ...req.body, publicBase: publicBase(req) });
  },
});

export const handler = (event: HttpEvent) => caller.run(clientIp(event), () => inner(event));
