/** The volunteers' operations (hours, gifts in kind, their corrections), served by the grants Lambda (handlers/grants.ts). */
import { dbFromEnv } from "@asso/core/db";
import { listGiftsInKind, listVolunteerTime, recordGiftInKind, recordVolunteerTime, reverseContribution } from "@asso/core/volunteers";
import { actorOf } from "../audit.js";
import type { Request } from "../http.js";
import type { volunteerRoutes } from "../routes/volunteers.js";

type Route<Op extends string> = Extract<(typeof volunteerRoutes)[number], { operationId: Op }>;

export const volunteerOperations = {
  recordVolunteerTime: async (req: Request<Route<"recordVolunteerTime">>) => recordVolunteerTime(dbFromEnv(), req.body, req.idempotency, actorOf(req)),
  listVolunteerTime: async (req: Request<Route<"listVolunteerTime">>) => listVolunteerTime(dbFromEnv(), req.query.year),
  reverseVolunteerTime: async (req: Request<Route<"reverseVolunteerTime">>) =>
    reverseContribution(dbFromEnv(), "time", req.params.id, req.body.reason, req.idempotency, actorOf(req)),
  recordGiftInKind: async (req: Request<Route<"recordGiftInKind">>) => recordGiftInKind(dbFromEnv(), req.body, req.idempotency, actorOf(req)),
  listGiftsInKind: async (req: Request<Route<"listGiftsInKind">>) => listGiftsInKind(dbFromEnv(), req.query.year),
  reverseGiftInKind: async (req: Request<Route<"reverseGiftInKind">>) =>
    reverseContribution(dbFromEnv(), "gift", req.params.id, req.body.reason, req.idempotency, actorOf(req)),
};
