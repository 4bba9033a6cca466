/** `npm run token -- <role>`: prints a bearer token for the local stack. */
import { ROLES } from "@asso/functions";
import { createIdentity } from "./identity.js";
import { DEV_KEY_FILE } from "./paths.js";

const role = process.argv[2];
if (!role || !(ROLES as readonly string[]).includes(role)) {
  console.error(`usage: npm run token -- <${ROLES.join("|")}>`);
  process.exit(2);
}
const identity = await createIdentity(DEV_KEY_FILE);
process.stdout.write(`${await identity.token(role, { ttlSeconds: 12 * 3600 })}\n`);
