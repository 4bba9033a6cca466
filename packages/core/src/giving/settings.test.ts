/** MEMBERSHIP_TIERS is parsed with zod at start; a bad value names the bad field. */
import { describe, expect, it } from "vitest";
import { DEFAULT_TIERS, loadGivingSettings, parseTiers } from "./settings.js";

describe("MEMBERSHIP_TIERS", () => {
  it("defaults when unset", () => {
    expect(parseTiers(undefined)).toEqual(DEFAULT_TIERS);
  });
  it("parses a good value with defaults (calendar year, no receipt, no counterpart)", () => {
    expect(parseTiers(JSON.stringify([{ id: "solidaire", label: "Adhésion solidaire", amount: 1000 }]))).toEqual([
      { id: "solidaire", label: "Adhésion solidaire", amount: 1000, period: "calendar_year", receipt: false, counterpart: false },
    ]);
  });
  it("reads a tier's period: rolling 12 months, and the old 'year' as a calendar year; anything else names the field", () => {
    const [rolling, old] = parseTiers(
      JSON.stringify([
        { id: "glissant", label: "12 mois", amount: 3000, period: "rolling_12_months" },
        { id: "ancien", label: "Ancien", amount: 2000, period: "year" },
      ]),
    );
    expect(rolling!.period).toBe("rolling_12_months");
    expect(old!.period).toBe("calendar_year");
    expect(() => parseTiers(JSON.stringify([{ id: "a", label: "A", amount: 1000, period: "month" }]))).toThrow(/MEMBERSHIP_TIERS\[0\]\.period/);
  });
  it("names the bad field", () => {
    expect(() =>
      parseTiers(
        JSON.stringify([
          { id: "a", label: "A", amount: 1000 },
          { id: "b", label: "B", amount: 12.5 },
        ]),
      ),
    ).toThrow(/MEMBERSHIP_TIERS\[1\]\.amount/);
    expect(() => parseTiers(JSON.stringify([{ id: "a", label: "A", amount: 1000, colour: "red" }]))).toThrow(/MEMBERSHIP_TIERS\[0\].*colour/);
    expect(() => parseTiers("{not json")).toThrow(/MEMBERSHIP_TIERS is not valid JSON/);
    expect(() => parseTiers("[]")).toThrow(/at least one tier/);
  });
  it("stops loading the settings", () => {
    expect(() => loadGivingSettings({ MEMBERSHIP_TIERS: '[{"id":"x","label":"X","amount":"20"}]' })).toThrow(/MEMBERSHIP_TIERS\[0\]\.amount/);
  });
});
