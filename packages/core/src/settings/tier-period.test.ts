/** A tier's period in the settings (section membership-tiers): the two periods, and the value stored before them. */
import { describe, expect, it } from "vitest";
import { MembershipTiersSettingsSchema } from "./schemas.js";

describe("a tier's period", () => {
  it("is calendar_year by default, rolling_12_months when chosen, and a stored 'year' reads as calendar_year", () => {
    const v = MembershipTiersSettingsSchema.parse({
      tiers: [
        { id: "a", label: "A", amount: 2000 },
        { id: "b", label: "B", amount: 2000, period: "rolling_12_months" },
        { id: "c", label: "C", amount: 2000, period: "year" },
      ],
    });
    expect(v.tiers.map((t) => t.period)).toEqual(["calendar_year", "rolling_12_months", "calendar_year"]);
  });
  it("refuses another period in French, naming the field", () => {
    const r = MembershipTiersSettingsSchema.safeParse({ tiers: [{ id: "a", label: "A", amount: 2000, period: "monthly" }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["tiers.0.period", expect.stringContaining("année civile")]]);
  });
});
