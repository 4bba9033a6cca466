import { describe, expect, it } from "vitest";
import { mayEdit, parseIfMatch, parseSection, seedValue, sniffImage } from "./index.js";

describe("settings rules", () => {
  it("recognises PNG and JPEG by their bytes only; SVG or text never", () => {
    expect(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImage(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeUndefined();
    expect(sniffImage(Buffer.from([0x89, 0x50]))).toBeUndefined();
  });

  it("reads If-Match as a version, quoted or weak; anything else is 400 naming If-Match", () => {
    expect(parseIfMatch("3")).toBe(3);
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('W/"12"')).toBe(12);
    for (const bad of [undefined, "", "abc", "-1", "1.5"]) expect(() => parseIfMatch(bad)).toThrow(/1 champ à corriger/);
  });

  it("the trésorier edits every section, the délégation identity, look and volunteers, the auditor none", () => {
    expect(mayEdit(["tresorier"], "membership-tiers")).toBe(true);
    expect(mayEdit(["delegation"], "identity")).toBe(true);
    expect(mayEdit(["delegation"], "volunteers")).toBe(true);
    expect(mayEdit(["delegation"], "membership-tiers")).toBe(false);
    expect(mayEdit(["auditor"], "identity")).toBe(false);
  });

  it("seeds a section from the old variables while it was never saved", () => {
    expect(seedValue("year", { FISCAL_YEAR_START_MONTH: "9" })).toEqual({ startMonth: 9 });
    expect(seedValue("year", { FISCAL_YEAR_START_MONTH: "13" })).toEqual({ startMonth: 1 });
    expect(seedValue("identity", { STAGE: "prod" })).toMatchObject({ name: "", receiptsEnabled: false });
    expect(seedValue("identity", {})).toMatchObject({ name: "Association de démonstration", receiptsEnabled: true });
    expect(seedValue("bank-accounts", { STAGE: "prod" })).toEqual({ accounts: [] });
  });

  it("names every bad field of a section, unknown ones included", () => {
    let errors: { path: string }[] = [];
    try {
      parseSection("checkout", { ipBurst: 0, ipPerMinute: "x", extra: 1 });
    } catch (err) {
      errors = (err as { errors: { path: string }[] }).errors;
    }
    expect(errors.map((e) => e.path).sort()).toEqual(["extra", "ipBurst", "ipPerMinute"]);
  });
});
