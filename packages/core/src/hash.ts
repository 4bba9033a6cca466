/** Hashes the domain uses to recognise a request or a file; pure (node:crypto only). */
import { createHash } from "node:crypto";

/** sha256 (hex) of bytes. */
export const sha256Hex = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** sha256 of what a request asked for: a replay of an Idempotency-Key with another body is refused. */
export const requestHash = (value: unknown) => sha256Hex(JSON.stringify(value));
