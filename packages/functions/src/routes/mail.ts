/** A person's e-mails (the mail outbox): their messages and status, resend one, clear a bounced address's mark. */
import * as z from "zod";
import { MessageViewSchema, PersonMessagesSchema } from "@asso/core/mail";
import { defineRoute, type RouteDef } from "../route.js";
import { TRESORIER } from "./common.js";

const Email = z.email("doit être une adresse e-mail").max(254, "au plus 254 caractères").toLowerCase();
const PersonParam = z.strictObject({ email: Email });
const MessageParam = z.strictObject({ email: Email, id: z.string().regex(/^[0-9a-f]{32}$/, "un identifiant de message (32 caractères hexadécimaux)") });

export const mailRoutes = [
  defineRoute({
    method: "GET",
    path: "/v1/people/{email}/messages",
    group: "mail",
    operationId: "personMessages",
    summary:
      "The e-mails sent or to be sent to one person, newest first, with their status (queued: en attente, sent: envoyé, failed: échec, bounced: adresse en erreur) and the error if any; `suppressed`: the address is marked as bouncing.",
    auth: ["tresorier", "auditor"],
    params: PersonParam,
    response: { status: 200, schema: PersonMessagesSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/people/{email}/messages/{id}/resend",
    group: "mail",
    operationId: "resendMessage",
    summary:
      "Puts one of the person's messages back in the outbox (sent, failed or bounced): it is sent again, once. A message already waiting is answered as it is (a second resend sends nothing more).",
    errors: { 404: "No such message for this person", 409: "The address is marked as bouncing: clear the mark first" },
    auth: TRESORIER,
    params: MessageParam,
    bodyOptional: true,
    idempotent: true,
    response: { status: 200, schema: MessageViewSchema },
  }),
  defineRoute({
    method: "DELETE",
    path: "/v1/people/{email}/mail-bounce",
    group: "mail",
    operationId: "clearMailBounce",
    summary:
      "Clears the mark of an address that bounced or complained (the trésorier checked or corrected it): messages to it are sent again. `cleared`: false when it was not marked.",
    auth: TRESORIER,
    params: PersonParam,
    response: { status: 200, schema: z.object({ email: z.string(), cleared: z.boolean() }).meta({ id: "MailBounceCleared" }) },
  }),
] as const satisfies readonly RouteDef[];
