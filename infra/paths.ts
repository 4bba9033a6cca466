/** Where local state lives: `.data/` (git-ignored) keeps the dev database and the dev identity key. */
import { join } from "node:path";
import { ROOT } from "./dynamodb-local.js";

export const DATA_DIR = join(ROOT, ".data");
export const DEV_DB_DIR = join(DATA_DIR, "dynamodb");
export const DEV_KEY_FILE = join(DATA_DIR, "identity-key.json");
export const DEV_TABLE = "asso-dev";
export const DEV_PORT = 3000;
export const STRIPE_PORT = 12111;
/** The dev Stripe keys: the double accepts these; nothing real. */
export const DEV_STRIPE = { secretKey: "sk_test_local_double", webhookSecret: "whsec_local_double" };
