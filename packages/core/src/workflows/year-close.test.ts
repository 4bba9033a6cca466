import { describe, expect, it } from "vitest";
import { ConflictError } from "../errors.js";
import { checkAcknowledged } from "./year-close.js";
import type { ClosingChecklist } from "./closing-checklist.js";

const list = (statuses: Array<["ok" | "warning" | "blocking", string]>): ClosingChecklist => ({
  year: 2024,
  ready: !statuses.some(([s]) => s === "blocking"),
  toAcknowledge: statuses.filter(([s]) => s === "warning").map(([, id]) => id),
  items: statuses.map(([status, id]) => ({ id, status, title: `Point ${id}`, detail: "" })),
});

describe("closing from the checklist: what is acknowledged", () => {
  it("refuses naming the blocking points and the warnings without a comment", () => {
    const c = list([
      ["blocking", "suspense"],
      ["warning", "stripe-balance"],
      ["warning", "social-tax-debts"],
      ["ok", "drafts"],
    ]);
    let err: unknown;
    try {
      checkAcknowledged(c, [{ id: "stripe-balance", comment: "Écart d'un jour, vu." }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConflictError);
    const message = (err as Error).message;
    expect(message).toContain("à corriger : « Point suspense » (suspense)");
    expect(message).toContain("à accepter avec un commentaire : « Point social-tax-debts » (social-tax-debts)");
    expect(message).not.toContain("(stripe-balance)");
  });
  it("a blank comment acknowledges nothing; every warning commented gives the comments to keep", () => {
    const c = list([
      ["warning", "a"],
      ["ok", "b"],
    ]);
    expect(() => checkAcknowledged(c, [{ id: "a", comment: "   " }])).toThrow(ConflictError);
    expect(
      checkAcknowledged(c, [
        { id: "a", comment: " Vu. " },
        { id: "zzz", comment: "ignoré" },
      ]).get("a"),
    ).toBe("Vu.");
  });
});
