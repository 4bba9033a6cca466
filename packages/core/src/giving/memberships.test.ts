import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import {
  addDays,
  checkMembershipYear,
  coveredFromOf,
  statusOf,
  membershipYears,
  offeredPeriods,
  periodOf,
  reminderDue,
  validityOf,
  validityOfRecord,
} from "./memberships.js";

describe("membership periods", () => {
  it("a calendar-year tier covers 1 January to 31 December of the year paid", () => {
    expect(validityOf("calendar_year", "2026-06-15")).toEqual({ validFrom: "2026-01-01", validUntil: "2026-12-31" });
    expect(validityOf("calendar_year", "2026-12-31")).toEqual({ validFrom: "2026-01-01", validUntil: "2026-12-31" });
  });

  it("a rolling tier covers the payment date to the day before the same date a year later", () => {
    expect(validityOf("rolling_12_months", "2026-03-15")).toEqual({ validFrom: "2026-03-15", validUntil: "2027-03-14" });
    expect(validityOf("rolling_12_months", "2026-01-01")).toEqual({ validFrom: "2026-01-01", validUntil: "2026-12-31" });
    // 29 February: the period ends on 28 February, not 27.
    expect(validityOf("rolling_12_months", "2028-02-29")).toEqual({ validFrom: "2028-02-29", validUntil: "2029-02-28" });
  });

  it("a calendar payment for the next year covers the next year", () => {
    expect(validityOf("calendar_year", "2026-12-10", { membershipYear: 2027 })).toEqual({ validFrom: "2027-01-01", validUntil: "2027-12-31" });
    // The session paid after New Year for the year just ended: the year paid in.
    expect(validityOf("calendar_year", "2027-01-01", { membershipYear: 2026 })).toEqual({ validFrom: "2027-01-01", validUntil: "2027-12-31" });
  });

  it("a renewal paid before the end extends: rolling from the day after, calendar the next year", () => {
    const rolling = { validFrom: "2026-03-15", validUntil: "2027-03-14" };
    expect(validityOf("rolling_12_months", "2027-02-20", { current: rolling })).toEqual({ validFrom: "2027-03-15", validUntil: "2028-03-14" });
    const calendar = { validFrom: "2026-01-01", validUntil: "2026-12-31" };
    expect(validityOf("calendar_year", "2026-12-05", { current: calendar })).toEqual({ validFrom: "2027-01-01", validUntil: "2027-12-31" });
    // Choosing the next year while already paid up for it extends once more, never twice the same year.
    expect(validityOf("calendar_year", "2026-12-05", { current: calendar, membershipYear: 2027 })).toEqual({
      validFrom: "2027-01-01",
      validUntil: "2027-12-31",
    });
    // A rolling membership renewed on a calendar tier: from the day after its end to 31 December.
    expect(validityOf("calendar_year", "2026-06-01", { current: { validFrom: "2026-04-01", validUntil: "2027-03-31" } })).toEqual({
      validFrom: "2027-04-01",
      validUntil: "2027-12-31",
    });
  });

  it("a payment after the end starts afresh", () => {
    const ended = { validFrom: "2025-01-01", validUntil: "2025-12-31" };
    expect(validityOf("calendar_year", "2026-02-01", { current: ended })).toEqual({ validFrom: "2026-01-01", validUntil: "2026-12-31" });
    expect(validityOf("rolling_12_months", "2026-02-01", { current: ended })).toEqual({ validFrom: "2026-02-01", validUntil: "2027-01-31" });
  });

  it("the next year is offered from 1 November, for calendar tiers only", () => {
    expect(membershipYears("calendar_year", "2026-10-31")).toEqual({ current: 2026 });
    expect(membershipYears("calendar_year", "2026-11-01")).toEqual({ current: 2026, next: 2027 });
    expect(membershipYears("rolling_12_months", "2026-12-01")).toEqual({ current: 2026 });
    expect(offeredPeriods("calendar_year", "2026-12-02")).toEqual({
      current: { membershipYear: 2026, validFrom: "2026-01-01", validUntil: "2026-12-31" },
      next: { membershipYear: 2027, validFrom: "2027-01-01", validUntil: "2027-12-31" },
    });
    expect(offeredPeriods("rolling_12_months", "2026-12-02")).toEqual({ current: { validFrom: "2026-12-02", validUntil: "2027-12-01" } });
  });

  it("a chosen year is checked against the day of the checkout, each refusal in French naming membershipYear", () => {
    expect(checkMembershipYear("calendar_year", undefined, "2026-06-01")).toBeUndefined();
    expect(checkMembershipYear("calendar_year", 2026, "2026-06-01")).toBe(2026);
    expect(checkMembershipYear("calendar_year", 2027, "2026-11-15")).toBe(2027);
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return (err as ValidationError).errors;
      }
      throw new Error("not refused");
    };
    expect(refused(() => checkMembershipYear("calendar_year", 2027, "2026-06-01"))).toEqual([
      { path: "membershipYear", message: expect.stringContaining("1er novembre 2026") },
    ]);
    expect(refused(() => checkMembershipYear("calendar_year", 2025, "2026-12-01"))[0]!.message).toBe("l'année doit être 2026 ou 2027");
    expect(refused(() => checkMembershipYear("rolling_12_months", 2026, "2026-12-01"))[0]!.message).toContain("12 mois");
  });

  it("reads the stored period 'year' as a calendar year, and a record without validFrom as its calendar year", () => {
    expect(periodOf("year")).toBe("calendar_year");
    expect(periodOf(undefined)).toBe("calendar_year");
    expect(periodOf("rolling_12_months")).toBe("rolling_12_months");
    expect(validityOfRecord({ validUntil: "2025-12-31" })).toEqual({ validFrom: "2025-01-01", validUntil: "2025-12-31" });
  });

  it("a reminder is due 30 days before the end and on the end day, no other day", () => {
    expect(reminderDue("2026-12-31", "2026-12-01")).toBe(30);
    expect(reminderDue("2026-12-31", "2026-12-31")).toBe(0);
    expect(reminderDue("2026-12-31", "2026-12-02")).toBeUndefined();
    expect(reminderDue("2026-12-31", "2026-11-30")).toBeUndefined();
    expect(reminderDue("2027-03-14", addDays("2027-03-14", -30))).toBe(30);
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("a membership runs from its first day: kept by a renewal before the end, afresh after; upcoming until it starts", () => {
    const current = { validFrom: "2026-01-01", validUntil: "2026-12-31" };
    const renewed = validityOf("calendar_year", "2026-12-05", { current });
    expect(coveredFromOf("2026-12-05", renewed, current)).toBe("2026-01-01");
    expect(coveredFromOf("2027-02-01", validityOf("calendar_year", "2027-02-01", { current }), current)).toBe("2027-01-01");
    expect(coveredFromOf("2026-12-05", renewed, { ...current, coveredFrom: "2024-01-01" })).toBe("2024-01-01");
    // Renewed early: still active in December; paid in December for the next year only: upcoming.
    expect(statusOf({ ...renewed, coveredFrom: "2026-01-01" }, "2026-12-20")).toBe("active");
    expect(statusOf({ validFrom: "2027-01-01", validUntil: "2027-12-31" }, "2026-12-20")).toBe("upcoming");
    expect(statusOf({ validFrom: "2027-01-01", validUntil: "2027-12-31" }, "2027-01-01")).toBe("active");
    expect(statusOf({ validUntil: "2025-12-31" }, "2026-01-01")).toBe("expired");
  });
});
