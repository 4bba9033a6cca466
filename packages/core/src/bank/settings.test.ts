/** BANK_ACCOUNTS: checked with zod, a demo default in development only, IBANs and RIBs found. */
import { describe, expect, it } from "vitest";
import { DEMO_BANK_ACCOUNTS, findBankAccount, loadBankAccounts } from "./settings.js";

describe("BANK_ACCOUNTS", () => {
  it("defaults to the demo accounts in development, and is required elsewhere", () => {
    expect(loadBankAccounts({})).toEqual(DEMO_BANK_ACCOUNTS);
    expect(loadBankAccounts({ STAGE: "dev-alice" })).toEqual(DEMO_BANK_ACCOUNTS);
    expect(() => loadBankAccounts({ STAGE: "prod" })).toThrow(/BANK_ACCOUNTS is not set/);
  });
  it("names every bad field", () => {
    const bad = JSON.stringify([{ iban: "nope", account: "627", label: "" }]);
    expect(() => loadBankAccounts({ STAGE: "prod", BANK_ACCOUNTS: bad })).toThrow(
      /0\.iban is not an IBAN.*0\.account is not a bank account of class 5.*0\.label/,
    );
    expect(() => loadBankAccounts({ BANK_ACCOUNTS: "{" })).toThrow(/not valid JSON/);
    const twice = JSON.stringify([DEMO_BANK_ACCOUNTS[0], DEMO_BANK_ACCOUNTS[0]]);
    expect(() => loadBankAccounts({ BANK_ACCOUNTS: twice })).toThrow(/listed twice/);
  });
  it("spaces in an IBAN are dropped; a RIB, an account number with or without its key, or OFX parts find the account", () => {
    const accounts = loadBankAccounts({ BANK_ACCOUNTS: JSON.stringify([{ iban: "FR76 4255 9100 0008 0123 4567 812", account: "512", label: "Courant" }]) });
    expect(accounts[0]!.iban).toBe("FR7642559100000801234567812");
    for (const accountNumber of ["42559100000801234567812", "08012345678", "0801234567812", "42559 10000 08012345678"])
      expect(findBankAccount(accounts, { accountNumber })?.account).toBe("512");
    expect(findBankAccount(accounts, { accountNumber: "30004 10000 08012345678" })).toBeUndefined();
    expect(findBankAccount(accounts, { iban: "FR7630004008180000123456756" })).toBeUndefined();
  });
});
