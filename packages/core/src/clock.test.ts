import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixedClock, now, nowIso, nowMs, systemClock, useClock } from "./clock.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

describe("the one clock", () => {
  it("answers the installed clock's time, and gives back the one it replaced", () => {
    const previous = useClock(fixedClock("2025-01-31T23:30:00Z"));
    try {
      expect(nowIso()).toBe("2025-01-31T23:30:00.000Z");
      expect(nowMs()).toBe(Date.parse("2025-01-31T23:30:00Z"));
      expect(now()).toBeInstanceOf(Date);
    } finally {
      expect(useClock(previous)).not.toBe(systemClock);
    }
  });

  it("refuses an instant that is not one", () => {
    expect(() => fixedClock("31/01/2025")).toThrow(RangeError);
  });

  it("is the only place of the core that reads the system time", () => {
    const root = join(import.meta.dirname, ".");
    const readers = sources(root)
      .filter((f) => !f.endsWith("clock.ts"))
      .filter((f) => /new Date\(\)|Date\.now\(\)/.test(readFileSync(f, "utf8")));
    expect(readers).toEqual([]);
  });
});
