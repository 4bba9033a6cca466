/**
 * Typed domain errors. Every error the domain can raise is one of these; the transport layer
 * (packages/functions/src/http.ts) maps them to `application/problem+json` in one place.
 */

/** One bad field: `path` is dotted (`lines.1.debit`), `message` says what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** A stable problem type slug; the answer's `type` is `/problems/<slug>`. */
  abstract readonly slug: string;
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input failed its schema or a business validation tied to fields (400). */
export class ValidationError extends DomainError {
  readonly status = 400;
  readonly title = "Invalid request";
  readonly slug = "validation";
  constructor(
    readonly errors: FieldError[],
    message = `${errors.length} champ${errors.length === 1 ? "" : "s"} à corriger`,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly title = "Unauthorized";
  readonly slug = "unauthorized";
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly title = "Forbidden";
  readonly slug = "forbidden";
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = "Not found";
  readonly slug = "not-found";
}

/** A business conflict: closed year, duplicate, already reversed, idempotency key reuse… (409). */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = "Conflict";
  readonly slug = "conflict";
}

/** The caller's copy is stale: what it read was changed in the meantime (If-Match, 412). */
export class PreconditionFailedError extends DomainError {
  readonly status = 412;
  readonly title = "Precondition failed";
  readonly slug = "precondition-failed";
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly title = "Payload too large";
  readonly slug = "payload-too-large";
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly title = "Unsupported media type";
  readonly slug = "unsupported-media-type";
}

/** The request depends on something not there yet (a webhook ahead of its payment): retry later (503). */
export class RetryLaterError extends DomainError {
  readonly status = 503;
  readonly title = "Retry later";
  readonly slug = "retry-later";
}

/** Too many requests from this caller, or for everyone at once (429, with the seconds to wait). */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  readonly title = "Too many requests";
  readonly slug = "too-many-requests";
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(message, { retryAfter });
  }
}
