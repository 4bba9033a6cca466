/**
 * The association's logo (`PUT /v1/settings/logo`): PNG or JPEG recognised by its first bytes
 * (never by a declared type, never SVG, which can carry scripts), 1 MiB at most, kept in the files
 * bucket under `logo/<sha256>.<ext>` and named in the `look` section (a new version of it).
 */
import { createHash } from "node:crypto";
import type { Db } from "../db/index.js";
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from "../errors.js";
import { getObject, putObject } from "../files/index.js";
import type { Actor } from "../ledger/index.js";
import { currentSettings, saveSectionAs } from "./settings.js";

export const LOGO_MAX_BYTES = 1024 * 1024;

/** The image type its magic bytes say, or undefined. */
export function sniffImage(bytes: Uint8Array): "image/png" | "image/jpeg" | undefined {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

export async function saveLogo(db: Db, bytes: Buffer, actor: Actor, ifMatch?: number) {
  if (bytes.length === 0) throw new ValidationError([{ path: "(body)", message: "envoyez l'image du logo (PNG ou JPEG)" }]);
  if (bytes.length > LOGO_MAX_BYTES) throw new PayloadTooLargeError(`Le logo fait ${bytes.length} octets ; 1 Mio (${LOGO_MAX_BYTES} octets) au plus.`);
  const type = sniffImage(bytes);
  if (!type) throw new UnsupportedMediaTypeError("Le logo doit être une image PNG ou JPEG (le SVG n'est pas accepté).");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const key = `logo/${sha256}.${type === "image/png" ? "png" : "jpg"}`;
  await putObject(key, bytes, type);
  const look = (await currentSettings(db, { fresh: true })).values.look;
  return saveSectionAs(db, "look", { ...look, logo: { key, contentType: type, sha256, bytes: bytes.length } }, actor, ifMatch);
}

/** The current logo's bytes and type, or undefined when none was sent. */
export async function readLogo(db: Db): Promise<{ bytes: Buffer; contentType: string } | undefined> {
  const logo = (await currentSettings(db)).values.look.logo;
  if (!logo) return undefined;
  const bytes = await getObject(logo.key);
  return bytes ? { bytes, contentType: logo.contentType } : undefined;
}
