/** Lambda: the association's settings (sections, history, logo, first-run checks). */
import { dbFromEnv } from "@asso/core/db";
import { parseIfMatch, runChecks, saveLogo, saveSection, settingsHistory, viewSettings } from "@asso/core/settings";
import { actorOf } from "../audit.js";
import { defineGroup } from "../http.js";

/** The new version travels back as the ETag too, for the next If-Match. */
const versioned = (out: { version: number; value: unknown }) => ({ body: out, headers: { etag: `"${out.version}"` } });

export const handler = defineGroup("settings", {
  getSettings: async () => viewSettings(dbFromEnv()),
  settingsHistory: async (req) => settingsHistory(dbFromEnv(), req.query.section),
  settingsChecks: async () => runChecks(dbFromEnv()),
  putSettingsSection: async (req) =>
    versioned(await saveSection(dbFromEnv(), req.params.section, req.body, parseIfMatch(req.headers["if-match"]), actorOf(req), req.principal?.roles ?? [])),
  putLogo: async (req) => {
    const ifMatch = req.headers["if-match"] === undefined ? undefined : parseIfMatch(req.headers["if-match"]);
    return versioned(await saveLogo(dbFromEnv(), req.rawBody, actorOf(req), ifMatch));
  },
});
