/**
 * A grant's compte-rendu texts read whole, with the fields added after store.ts's reader
 * (`sentOn`, the day the report was sent to the funder). Written by store.ts's writeReportTexts,
 * which stores every field it is given.
 */
import type { Db } from "../../db/client.js";
import { getItem } from "../../db/store.js";
import { projectKeys, type ReportTexts as StoredTexts } from "../store.js";

/** The texts as stored, with the day the report was sent to the funder (« remis le », null: not sent). */
export type ReportTexts = StoredTexts & { sentOn: string | null };

export async function readReportTextsWhole(db: Db, grantId: string): Promise<ReportTexts | undefined> {
  const i = await getItem(db, projectKeys.reportTexts(grantId));
  if (!i) return undefined;
  return {
    grantId,
    gaps: (i.gaps as ReportTexts["gaps"] | undefined) ?? [],
    summary: (i.summary as string | null | undefined) ?? null,
    actions: (i.actions as string | null | undefined) ?? null,
    signer: (i.signer as ReportTexts["signer"] | undefined) ?? null,
    sentOn: (i.sentOn as string | null | undefined) ?? null,
    version: i.version as number,
    updatedAt: (i.updatedAt as string | undefined) ?? null,
    ...(i.updatedBy ? { updatedBy: i.updatedBy as ReportTexts["updatedBy"] } : {}),
  };
}
