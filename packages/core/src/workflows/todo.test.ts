import { describe, expect, it } from "vitest";
import { addMonths, reportDueDate } from "./todo.js";

describe("the compte-rendu financier's deadline", () => {
  it("is six months after the action's end, kept inside the month reached", () => {
    expect(addMonths("2026-03-15", 6)).toBe("2026-09-15");
    expect(addMonths("2026-08-31", 6)).toBe("2027-02-28");
    expect(addMonths("2027-08-31", 6)).toBe("2028-02-29");
    expect(addMonths("2026-12-31", -2)).toBe("2026-10-31");
    expect(addMonths("2026-01-31", -2)).toBe("2025-11-30");
    expect(reportDueDate({ endDate: "2026-06-30" })).toBe("2026-12-30");
  });

  it("is the grant's own final reporting date when the convention gives one", () => {
    const reportingDeadlines = [
      { kind: "interim", dueDate: "2026-03-01" },
      { kind: "final", dueDate: "2026-09-30" },
    ];
    expect(reportDueDate({ endDate: "2026-06-30", reportingDeadlines })).toBe("2026-09-30");
    expect(reportDueDate({ endDate: "2026-06-30", reportingDeadlines: [{ kind: "interim", dueDate: "2026-03-01" }] })).toBe("2026-12-30");
  });
});
