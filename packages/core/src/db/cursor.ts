/**
 * Pagination cursors handed to API clients: the resume position, signed with HMAC-SHA256 so a
 * client can neither forge one nor make a query start anywhere it likes. A cursor that does not
 * verify is a 400, never a loop. The key is `CURSOR_SECRET` (the stack sets it from a secret);
 * locally a fixed development key stands in.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationError } from "../errors.js";

const DEV_KEY = "local-development-cursor-key";

function key(env: Record<string, string | undefined> = process.env): string {
  return env.CURSOR_SECRET || DEV_KEY;
}

const sign = (payload: string, purpose: string) => createHmac("sha256", key()).update(`${purpose}\u0000${payload}`).digest("base64url").slice(0, 22);

/** A signed cursor for `value`; `purpose` (the listing's name) stops a cursor being replayed on another listing. */
export function encodeCursor(value: unknown, purpose: string): string {
  const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${payload}.${sign(payload, purpose)}`;
}

/** The value of a cursor this API gave for `purpose`; undefined for no cursor; 400 for anything else. */
export function decodeCursor<T>(cursor: string | undefined, purpose: string, field = "cursor"): T | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const bad = () => new ValidationError([{ path: field, message: "is not a cursor this API gave" }]);
  if (cursor.length > 4096) throw bad();
  const [payload, mac, ...rest] = cursor.split(".");
  if (!payload || !mac || rest.length) throw bad();
  const expected = Buffer.from(sign(payload, purpose));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad();
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as T;
  } catch {
    throw bad();
  }
}

/** The signed cursor of one listing: a store module owns its listings' cursors (the resume position is storage's). */
export interface ListingCursor<T> {
  /** The value of a cursor given for this listing; undefined for none; a 400 naming `field` for anything else. */
  read(cursor: string | undefined, field?: string): T | undefined;
  write(value: T): string;
}

export const listingCursor = <T>(purpose: string): ListingCursor<T> => ({
  read: (cursor, field) => decodeCursor<T>(cursor, purpose, field),
  write: (value) => encodeCursor(value, purpose),
});
