import { describe, expect, it } from "vitest";
import { maskEmail, SESSION_ID } from "./status.js";

describe("what the thank-you page may show", () => {
  it("masks an address to its first letter and its domain", () => {
    expect(maskEmail("marie.dupont@exemple.fr")).toBe("m…@exemple.fr");
    expect(maskEmail("a@b.org")).toBe("a…@b.org");
    expect(maskEmail("pas-une-adresse")).toBe("…");
  });

  it("asks Stripe only about ids written as Stripe writes them", () => {
    expect(SESSION_ID.test("cs_test_a1B2c3")).toBe(true);
    expect(SESSION_ID.test("cs_live_a1B2c3")).toBe(true);
    for (const id of ["", "cs_test_", "cs_test_x/../y", "pi_123", "cs_test_a b", `cs_test_${"a".repeat(201)}`]) expect(SESSION_ID.test(id), id).toBe(false);
  });
});
