/** The settings routes: the association sets itself up (sections, history, logo, first-run checks). */
import * as z from "zod";
import { ChecksSchema, HistorySchema, LOGO_MAX_BYTES, SECTIONS, SectionStateSchema, SettingsViewSchema } from "@asso/core/settings";
import { defineRoute, type RouteDef } from "../route.js";
import { READERS } from "./common.js";

const EDITORS = ["tresorier", "delegation"] as const;
const SectionParam = z.object({ section: z.enum(SECTIONS, `une section parmi ${SECTIONS.join(", ")}`) });
/** A section's value: checked by the section's own schema in the handler (every bad field named). */
const SectionBody = z.record(z.string(), z.unknown()).describe("the section's value (see docs/configuration.md)");

export const settingsRoutes = [
  defineRoute({
    method: "GET",
    path: "/v1/settings",
    group: "settings",
    operationId: "getSettings",
    summary: "Every section of the association's settings with its version (0: never saved, first value from the deploy's environment).",
    auth: READERS,
    response: { status: 200, schema: SettingsViewSchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/settings/history",
    group: "settings",
    operationId: "settingsHistory",
    summary: "Who changed which section, when, the value before and after; newest first.",
    auth: READERS,
    query: z.object({ section: z.enum(SECTIONS).optional() }),
    response: { status: 200, schema: HistorySchema },
  }),
  defineRoute({
    method: "GET",
    path: "/v1/settings/checks",
    group: "settings",
    operationId: "settingsChecks",
    summary: "The first-run checks (identity complete, a bank account, Stripe keys, webhook, e-mail sender), each with what to do when it fails.",
    auth: READERS,
    response: { status: 200, schema: ChecksSchema },
  }),
  defineRoute({
    method: "PUT",
    path: "/v1/settings/logo",
    group: "settings",
    operationId: "putLogo",
    summary: "The association's logo: the image as the body (PNG or JPEG, recognised by its bytes; never SVG), 1 MiB at most. Saves a new version of `look`.",
    auth: EDITORS,
    rawBody: true,
    rawTypes: ["image/png", "image/jpeg"],
    maxBodyBytes: LOGO_MAX_BYTES,
    errors: { 412: "If-Match was given and `look` changed in the meantime", 415: "The bytes are not a PNG or JPEG image (SVG is never accepted)" },
    response: { status: 200, schema: SectionStateSchema },
  }),
  defineRoute({
    method: "PUT",
    path: "/v1/settings/{section}",
    group: "settings",
    operationId: "putSettingsSection",
    summary:
      "Saves one section with `If-Match: <version>` (412 when it changed in the meantime; 400 naming every bad field). The trésorier saves every section, the délégation identity, look and volunteers.",
    auth: EDITORS,
    params: SectionParam,
    body: SectionBody,
    errors: {
      409: "The fiscal year start would move years that hold entries",
      412: "The section changed since the version given in If-Match (reload it)",
    },
    response: { status: 200, schema: SectionStateSchema },
  }),
] as const satisfies readonly RouteDef[];
