/**
 * The volunteers' door: volunteer hours per month and gifts in kind, valued and booked as
 * contributions volontaires en nature (86x / 87x), listed per fiscal year, corrected by reversal.
 * Nothing outside `volunteers/` imports its other files.
 */
export * from "./schemas.js";
export * from "./volunteers.js";
export type { Contribution, GiftInKind, VolunteerTime } from "./store.js";
