import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanText } from "./text.js";

describe("cleanText", () => {
  it("turns line and paragraph separators, CR/LF, tabs and NEL into single spaces", () => {
    expect(cleanText("Camille\u2028***1 000 000,00 €***", 100)).toBe("Camille ***1 000 000,00 €***");
    expect(cleanText("a\u2029b\r\nc\td\u0085e", 100)).toBe("a b c d e");
  });

  it("removes controls, bidi overrides, zero-width characters and lone surrogates", () => {
    expect(cleanText("Ma\u0000rt\u0007in\u001b[31m", 100)).toBe("Martin[31m");
    expect(cleanText("\u202eniMartin\u202c \u2066x\u2069", 100)).toBe("niMartin x");
    expect(cleanText("a\u200bb\ufeffc\u00adé", 100)).toBe("abc\u00adé");
    expect(cleanText("x\ud800y\udc00z", 100)).toBe("xyz");
  });

  it("normalises to NFC and trims", () => {
    expect(cleanText("  Le\u0301o  ", 100)).toBe("Léo");
  });

  it("bounds the length in characters without cutting a surrogate pair", () => {
    expect(cleanText("Léo Bernard", 5)).toBe("Léo B");
    expect(cleanText("😀😀😀", 2)).toBe("😀😀");
    expect(cleanText("ab  cd", 3)).toBe("ab");
    expect(cleanText(undefined, 10)).toBe("");
    expect(() => cleanText("x", -1)).toThrow(RangeError);
  });

  it("always answers one bounded line with no control or separator character (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.integer({ min: 0, max: 300 }), (s, max) => {
        const out = cleanText(s, max);
        expect(Array.from(out).length).toBeLessThanOrEqual(max);
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        expect(out).toBe(out.trim());
        expect(cleanText(out, max)).toBe(out);
      }),
    );
  });
});
