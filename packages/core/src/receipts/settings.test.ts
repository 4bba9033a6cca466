import { describe, expect, it } from "vitest";
import { ConflictError } from "../errors.js";
import { issuerFor, loadReceiptSettings } from "./settings.js";

const COMPLETE = {
  STAGE: "prod",
  RECEIPTS_ENABLED: "true",
  ASSO_NAME: "Les Amis du Canal",
  ASSO_ADDRESS: "4 quai de Jemmapes, 75010 Paris",
  ASSO_OBJECT: "Faire vivre les berges",
  ASSO_RNA: "W751234567",
  ASSO_SIGNATORY_NAME: "Jeanne Dubois",
  ASSO_SIGNATORY_QUALITY: "Présidente",
};

describe("receipt settings", () => {
  it("in development: receipts on, demonstration identity, article 200 only", () => {
    const s = loadReceiptSettings({});
    expect(s.enabled).toBe(true);
    expect(s.issuer.articles).toEqual(["200"]);
    expect(s.issuer.association.name).toBe("Association de démonstration");
    expect(issuerFor(s)).toBe(s.issuer);
  });

  it("outside development: receipts off unless RECEIPTS_ENABLED=true", () => {
    expect(loadReceiptSettings({ STAGE: "prod" }).enabled).toBe(false);
    expect(loadReceiptSettings({ ...COMPLETE, RECEIPTS_ENABLED: undefined }).enabled).toBe(false);
    expect(() => issuerFor(loadReceiptSettings({ STAGE: "prod" }))).toThrow(/RECEIPTS_ENABLED/);
  });

  it("outside development: no demonstration identity; issuing names every missing setting", () => {
    const s = loadReceiptSettings({ STAGE: "prod", RECEIPTS_ENABLED: "true" });
    expect(s.missing).toEqual(["ASSO_NAME", "ASSO_ADDRESS", "ASSO_OBJECT", "ASSO_SIREN or ASSO_RNA", "ASSO_SIGNATORY_NAME", "ASSO_SIGNATORY_QUALITY"]);
    expect(() => issuerFor(s)).toThrow(ConflictError);
    expect(() => issuerFor(s)).toThrow(/ASSO_NAME, ASSO_ADDRESS, ASSO_OBJECT, ASSO_SIREN or ASSO_RNA, ASSO_SIGNATORY_NAME, ASSO_SIGNATORY_QUALITY/);
    const complete = loadReceiptSettings(COMPLETE);
    expect(complete.missing).toEqual([]);
    expect(issuerFor(complete)).toEqual({
      association: {
        name: "Les Amis du Canal",
        address: "4 quai de Jemmapes, 75010 Paris",
        object: "Faire vivre les berges",
        category: "Œuvre ou organisme d'intérêt général",
        rna: "W751234567",
      },
      signatory: { name: "Jeanne Dubois", quality: "Présidente" },
      articles: ["200"],
    });
  });

  it("238 bis is refused (company receipts are not built); 978 only with the organism it names", () => {
    expect(() => issuerFor(loadReceiptSettings({ ...COMPLETE, RECEIPT_ARTICLES: "200,238 bis" }))).toThrow(/238 bis/);
    expect(() => issuerFor(loadReceiptSettings({ ...COMPLETE, RECEIPT_ARTICLES: "200,978" }))).toThrow(/ASSO_ART978_ORGANISM/);
    expect(issuerFor(loadReceiptSettings({ ...COMPLETE, RECEIPT_ARTICLES: "978, 200", ASSO_ART978_ORGANISM: "fondation-rup" })).articles).toEqual([
      "200",
      "978",
    ]);
    expect(() => issuerFor(loadReceiptSettings({ ...COMPLETE, RECEIPT_ARTICLES: "" }))).not.toThrow();
    expect(() => issuerFor(loadReceiptSettings({ ...COMPLETE, RECEIPT_ARTICLES: "201" }))).toThrow(/unknown article/);
  });

  it("reduction rate: 66 by default, 75 when set, anything else is wrong", () => {
    expect(loadReceiptSettings({}).reductionRate).toBe(66);
    expect(loadReceiptSettings({ TAX_REDUCTION_PERCENT: "75" }).reductionRate).toBe(75);
    expect(loadReceiptSettings({ TAX_REDUCTION_PERCENT: "80" }).invalid).toEqual([{ setting: "TAX_REDUCTION_PERCENT", message: "must be 66 or 75" }]);
  });

  it("checks SIREN and RNA formats", () => {
    expect(() => issuerFor(loadReceiptSettings({ ...COMPLETE, ASSO_SIREN: "12345" }))).toThrow(/ASSO_SIREN must be 9 digits/);
    expect(() => issuerFor(loadReceiptSettings({ ...COMPLETE, ASSO_RNA: "751234567" }))).toThrow(/ASSO_RNA/);
  });
});
