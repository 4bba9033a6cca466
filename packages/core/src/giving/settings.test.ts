/** MEMBERSHIP_TIERS is parsed with zod at start; a bad value names the bad field. */
import { describe, expect, it } from "vitest";
import { DEFAULT_TIERS, loadGivingSettings, parseTiers } from "./settings.js";

describe("MEMBERSHIP_TIERS", () => {
  it("defaults when unset", () => {
    expect(parseTiers(undefined)).toEqual(DEFAULT_TIERS);
  });
  it("parses a good value with defaults (period year, no receipt, no counterpart)", () => {
    expect(parseTiers(JSON.stringify([{ id: "solidaire", label: "Adhésion solidaire", amount: 1000 }]))).toEqual([
      { id: "solidaire", label: "Adhésion solidaire", amount: 1000, period: "year", receipt: false, counterpart: false },
    ]);
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
