import { describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "../errors.js";
import { Chart, chartOfAccounts, findAccount, newSubAccount } from "./chart.js";

describe("the seeded chart", () => {
  it("has unique numbers of 3 digits or more, each in the class of its first digit (1–8)", () => {
    const numbers = chartOfAccounts.map((a) => a.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const a of chartOfAccounts) {
      expect(a.number).toMatch(/^[1-8]\d{2,}$/);
      expect(a.class).toBe(Number(a.number[0]));
      expect(a.label.trim()).not.toBe("");
    }
  });
  it("follows ANC 2018-06 where the review found it wrong: contributions in kind 86x/87x, fees on 756x", () => {
    expect(findAccount("864")?.label).toMatch(/bénévole/i);
    expect(findAccount("875")?.label).toMatch(/bénévolat/i);
    expect(findAccount("870")?.label).toMatch(/dons en nature/i);
    expect(findAccount("7561")?.label).toMatch(/cotisations/i);
    expect(findAccount("4671")).toBeDefined();
  });
  it("has the accounts a real association needs", () => {
    for (const n of ["2183", "28183", "6811", "471", "437", "4421", "657", "768", "5121", "6894", "6895", "7894", "7895", "194", "195"])
      expect(findAccount(n), n).toBeDefined();
  });
});

describe("sub-accounts", () => {
  const chart = new Chart([{ number: "62261", label: "Honoraires juridiques", class: 6, custom: true, parent: "6226" }]);
  it("extend the longest existing number", () => {
    expect(newSubAccount(chart, "622611", "Contentieux")).toEqual({ number: "622611", label: "Contentieux", class: 6, custom: true, parent: "62261" });
    expect(newSubAccount(chart, "62262", "Experts")).toMatchObject({ parent: "6226" });
    expect(newSubAccount(chart, "5122", "Livret")).toMatchObject({ parent: "512", class: 5 });
  });
  it("are refused under an unknown class, outside any account, or on a taken number", () => {
    expect(() => newSubAccount(chart, "91234", "x")).toThrow(ValidationError);
    expect(() => newSubAccount(chart, "6999", "x")).toThrow(ValidationError);
    expect(() => newSubAccount(chart, "6226", "x")).toThrow(ConflictError);
    expect(() => newSubAccount(chart, "62261", "x")).toThrow(ConflictError);
    expect(() => newSubAccount(chart, "62", "x")).toThrow(ValidationError);
  });
  it("a chart finds seeded and custom accounts, and labels unknown ones by number", () => {
    expect(chart.find("62261")?.label).toBe("Honoraires juridiques");
    expect(chart.find("512")?.label).toBe("Banque");
    expect(chart.label("99999")).toBe("99999");
    expect(chart.list().map((a) => a.number)).toContain("62261");
  });
  it("a custom account never shadows a seeded one", () => {
    const odd = new Chart([{ number: "512", label: "Autre banque", class: 5, custom: true, parent: "51" }]);
    expect(odd.find("512")?.label).toBe("Banque");
  });
});

describe("accounts of the ANC 2018-06 list (issue 19 item 7)", () => {
  const chart = new Chart();
  it("any listed account may be opened, even when it extends no seeded account", () => {
    expect(newSubAccount(chart, "44566", "TVA déductible")).toMatchObject({ number: "44566", class: 4 });
    expect(newSubAccount(chart, "455", "Comptes courants")).toMatchObject({ number: "455", class: 4 });
    expect(newSubAccount(chart, "7088", "Autres produits annexes")).toMatchObject({ number: "7088", class: 7, parent: "708" });
    expect(newSubAccount(chart, "2154", "Matériel")).toMatchObject({ number: "2154", class: 2, parent: "215" });
  });
  it("and extended: a sub-account of a listed account", () => {
    expect(newSubAccount(chart, "445661", "TVA déductible à 20 %")).toMatchObject({ parent: "44566" });
  });
  it("a two-digit heading opens nothing, nor does a number outside the list", () => {
    expect(() => newSubAccount(chart, "4999", "x")).toThrow(ValidationError);
    expect(() => newSubAccount(chart, "69", "x")).toThrow(ValidationError);
  });
});
