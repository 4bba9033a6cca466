/** Lambda: health and the OpenAPI description. */
import { defineGroup } from "../http.js";
import { buildOpenApi } from "../openapi.js";

let openapi: unknown;

export const handler = defineGroup("system", {
  health: async () => ({ status: "ok", time: new Date().toISOString() }),
  openapi: async () => (openapi ??= buildOpenApi()),
});
