/** One person's data (RGPD): the export of everything held about an e-mail address, and its erasure. */
import { ErasureSchema, PersonExportSchema, PersonParam, RetentionInput, RetentionSchema } from "@asso/core/workflows/personal-data-schemas";
import { defineRoute, type RouteDef } from "../route.js";
import { TRESORIER } from "./common.js";

export const peopleRoutes = [
  defineRoute({
    method: "GET",
    path: "/v1/people/{email}/export",
    group: "people",
    operationId: "exportPerson",
    summary:
      "Everything held about one person, by e-mail address (and its erasure alias once erased), as JSON: donations and membership fees, checkout records, member record, monthly subscriptions, payment incidents, tax receipts (with their PDF's route), the ledger entries of their payments, e-mails, and what is held elsewhere (RGPD art. 15).",
    auth: TRESORIER,
    params: PersonParam,
    response: { status: 200, schema: PersonExportSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/people/{email}/erasure",
    group: "people",
    operationId: "erasePerson",
    errors: { 409: "A monthly gift of this person still runs: stop it first" },
    summary:
      "Pseudonymises one person's data wherever the law does not require keeping it (RGPD art. 17): name to 'Personne effacée', e-mail to a stable alias, address and Stripe customer removed, on donations, checkout records, the member record, subscriptions, incidents and e-mails. Receipts (6 years, art. L102 B LPF) and ledger entries (10 years, art. L123-22 C. com.) are kept: the answer says what, why and until when. A second erasure answers the same and writes nothing.",
    auth: TRESORIER,
    params: PersonParam,
    bodyOptional: true,
    idempotent: true,
    response: { status: 200, schema: ErasureSchema },
  }),
  defineRoute({
    method: "POST",
    path: "/v1/people/retention",
    group: "people",
    operationId: "applyRetention",
    summary:
      "The retention run (also monthly, scheduled): erases, as on request, every person whose last contact (last gift or fee, end of membership, last incident) is more than three years old; a running monthly gift is skipped, with why. `dryRun`: who would be, nothing written.",
    auth: TRESORIER,
    body: RetentionInput,
    bodyOptional: true,
    idempotent: true,
    response: { status: 200, schema: RetentionSchema },
  }),
] as const satisfies readonly RouteDef[];
