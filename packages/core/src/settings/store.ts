/**
 * Every DynamoDB call of the settings: one partition `SETTINGS`, one current item per section
 * (`SECTION#<name>`, with its version) and one history item per version (`HISTORY#<name>#<version>`),
 * written together in one transaction whose condition is the version the caller read.
 */
import { nowIso } from "../clock.js";
import type { Db } from "../db/index.js";
import { getItem, putItem, queryPrefix, TransactionFailed, transact, type Item } from "../db/index.js";
import type { Actor } from "../ledger/index.js";
import type { Section } from "./schemas.js";

const PK = "SETTINGS";
const pad = (v: number) => String(v).padStart(8, "0");
const currentKey = (section: Section) => ({ pk: PK, sk: `SECTION#${section}` });

export interface StoredSection {
  section: Section;
  version: number;
  value: unknown;
  at: string;
  by: Actor;
}

export interface HistoryRecord {
  section: Section;
  version: number;
  at: string;
  by: Actor;
  before: unknown;
  after: unknown;
}

const toStored = (i: Item): StoredSection => ({
  section: i.section as Section,
  version: i.version as number,
  value: i.value,
  at: i.at as string,
  by: i.by as Actor,
});

export async function readStoredSections(db: Db): Promise<StoredSection[]> {
  return (await queryPrefix(db, PK, "SECTION#")).map(toStored);
}

export async function readStoredSection(db: Db, section: Section): Promise<StoredSection | undefined> {
  const i = await getItem(db, currentKey(section));
  return i ? toStored(i) : undefined;
}

/**
 * Writes version `expected + 1` of a section and its history item; false (nothing written) when
 * the stored version is no longer `expected`.
 */
export async function writeSection(
  db: Db,
  w: { section: Section; expected: number; value: unknown; before: unknown; at: string; by: Actor },
): Promise<boolean> {
  const version = w.expected + 1;
  try {
    await transact(db, [
      {
        name: "current",
        item: {
          Put: {
            Item: { ...currentKey(w.section), kind: "settings", section: w.section, version, value: w.value, at: w.at, by: w.by },
            ...(w.expected === 0
              ? { ConditionExpression: "attribute_not_exists(pk)" }
              : { ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": w.expected } }),
          },
        },
      },
      {
        name: "history",
        item: {
          Put: {
            Item: {
              pk: PK,
              sk: `HISTORY#${w.section}#${pad(version)}`,
              kind: "settings-history",
              section: w.section,
              version,
              at: w.at,
              by: w.by,
              before: w.before,
              after: w.value,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      },
    ]);
    return true;
  } catch (err) {
    if (err instanceof TransactionFailed && err.failed.length) return false;
    throw err;
  }
}

/** A section's history, newest first (every section's when none is named). */
export async function readHistory(db: Db, section?: Section): Promise<HistoryRecord[]> {
  const items = await queryPrefix(db, PK, section ? `HISTORY#${section}#` : "HISTORY#", { forward: false });
  const out = items.map((i) => ({
    section: i.section as Section,
    version: i.version as number,
    at: i.at as string,
    by: i.by as Actor,
    before: i.before ?? null,
    after: i.after ?? null,
  }));
  return section ? out : out.sort((a, b) => b.at.localeCompare(a.at));
}

/** The webhook's last verified event (the first-run check "the webhook has received an event"). */
export async function noteWebhookEvent(db: Db, event: { id: string; type: string }, at = nowIso()): Promise<void> {
  await putItem(db, { pk: PK, sk: "WEBHOOK#LAST", kind: "settings-webhook", eventId: event.id, type: event.type, at });
}

export async function readWebhookEvent(db: Db): Promise<{ eventId: string; type: string; at: string } | undefined> {
  const i = await getItem(db, { pk: PK, sk: "WEBHOOK#LAST" });
  return i ? { eventId: i.eventId as string, type: i.type as string, at: i.at as string } : undefined;
}
