/** A grant's allocation between projects (a code, a split by share, or none) on the lines it writes: pure parts. */
import { describe, expect, it } from "vitest";
import { onProject, projectMoveLines, sameAllocation } from "./grants.js";

const SPLIT = [
  { projectId: "ATELIERS", share: 0.6 },
  { projectId: "PLAIDOYER", share: 0.4 },
];
const sum = (lines: { debit: number; credit: number }[]) => lines.reduce((s, l) => s + l.debit - l.credit, 0);

describe("onProject", () => {
  it("a code sets the line's project, none leaves it, a split writes one line per project adding up to the cent", () => {
    const line = { account: "741", debit: 0, credit: 100_001, label: "Subvention" };
    expect(onProject(line, null)).toEqual([line]);
    expect(onProject(line, "ATELIERS")).toEqual([{ ...line, project: "ATELIERS" }]);
    expect(onProject(line, SPLIT)).toEqual([
      { ...line, credit: 60_001, project: "ATELIERS" },
      { ...line, credit: 40_000, project: "PLAIDOYER" },
    ]);
    for (const amount of [1, 2, 3, 7, 99, 100_003, 1_234_567]) expect(sum(onProject({ account: "487", debit: amount, credit: 0 }, SPLIT))).toBe(amount);
  });

  it("a cent too small to share goes to one project, never to a line of 0", () => {
    expect(onProject({ account: "741", debit: 1, credit: 0 }, SPLIT)).toEqual([{ account: "741", debit: 1, credit: 0, project: "ATELIERS" }]);
  });
});

describe("sameAllocation and projectMoveLines", () => {
  it("the same split in another order is the same allocation: nothing moves", () => {
    expect(sameAllocation(SPLIT, [...SPLIT].reverse())).toBe(true);
    expect(sameAllocation(SPLIT, [SPLIT[0]!, { projectId: "MEDIATION", share: 0.4 }])).toBe(false);
    expect(sameAllocation("ATELIERS", SPLIT)).toBe(false);
    expect(sameAllocation(null, null)).toBe(true);
    expect(projectMoveLines("741", 5_000, SPLIT, [...SPLIT].reverse(), "x")).toEqual([]);
  });

  it("a move reverses the income on the old allocation and books it on the new, balanced", () => {
    const lines = projectMoveLines("741", 10_001, SPLIT, "MEDIATION", "Avenant");
    expect(lines.map((l) => [l.debit, l.credit, l.project])).toEqual([
      [6_001, 0, "ATELIERS"],
      [4_000, 0, "PLAIDOYER"],
      [0, 10_001, "MEDIATION"],
    ]);
    expect(sum(lines)).toBe(0);
    expect(sum(projectMoveLines("741", -10_001, null, SPLIT, "Avenant"))).toBe(0);
  });
});
