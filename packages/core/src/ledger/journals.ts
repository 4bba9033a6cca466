/** The journals. `AN` (à-nouveaux) and `CL` (clôture) are written by the year closing only. */
export const JOURNALS = {
  BQ: "Banque",
  ST: "Stripe",
  OD: "Opérations diverses",
  HA: "Achats",
  AN: "À-nouveaux",
  CL: "Clôture de l'exercice",
} as const;

export type JournalCode = keyof typeof JOURNALS;
export const JOURNAL_CODES = Object.keys(JOURNALS) as JournalCode[];
/** Journals an entry may be posted to through the API. */
export const MANUAL_JOURNALS: JournalCode[] = ["BQ", "ST", "OD", "HA"];
/** Journals written by the year closing only. */
export const SYSTEM_JOURNALS: JournalCode[] = ["AN", "CL"];
/** FEC order: opening entries first, then the others; closing entries are not in the FEC. */
export const FEC_JOURNALS: JournalCode[] = ["AN", "BQ", "ST", "HA", "OD"];
