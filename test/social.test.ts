/**
 * Imports of the platforms' own exports: LinkedIn page analytics (CSV, XLSX, XLS; note line above
 * the header; English and French headers; negative days) and YouTube Studio (zip, Table data with
 * its Total row, Chart data, Totals; French headers, decimal commas). Parsing first (pure), then
 * through the HTTP route: roles, all or nothing, a wrong file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import * as XLSX from "xlsx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSocialFile } from "@asso/core/social/imports";
import { ValidationError } from "@asso/core/errors";
import { startTestStack, type TestStack } from "./support/stack.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures/social", name));

/** An XLSX/XLS workbook like LinkedIn's, built with the xlsx package. */
function workbook(sheets: Record<string, unknown[][]>, bookType: "xlsx" | "biff8" = "xlsx"): Buffer {
  const wb = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows, { cellDates: true }), name);
  return Buffer.from(XLSX.write(wb, { type: "buffer", bookType }) as Buffer);
}

const VISITORS_HEADER = [
  "Date",
  "Overview page views (desktop)",
  "Overview page views (mobile)",
  "Overview page views (total)",
  "Overview unique visitors (desktop)",
  "Overview unique visitors (mobile)",
  "Overview unique visitors (total)",
  "Life page views (total)",
  "Jobs page views (total)",
  "Total page views (desktop)",
  "Total page views (mobile)",
  "Total page views (total)",
  "Total unique visitors (total)",
];
const visitorsXlsx = () =>
  workbook({
    "Visitor metrics": [
      ["Note: metrics are aggregated per day in UTC."],
      VISITORS_HEADER,
      ["05/30/2024", 10, 20, 30, 5, 6, 11, 1, 2, 40, 25, 65, 20],
      ["05/31/2024", 12, 18, 30, 5, 6, 11, 0, 0, 41, 30, 71, 22],
      ["06/01/2024", 1, 2, 3, 1, 1, 2, 0, 0, 5, 4, 9, 3],
    ],
    Location: [
      ["Location", "Total views"],
      ["Paris", 100],
    ],
  });

const monthsOf = (p: ReturnType<typeof parseSocialFile>) => Object.fromEntries(p.months.map((m) => [m.month, m.values]));
const problemOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).errors;
  }
  throw new Error("expected a ValidationError");
};

describe("LinkedIn page analytics", () => {
  it("followers CSV with a note line above the header: month-end totals from the total at a date, negative days kept", () => {
    const p = parseSocialFile("linkedin", fixture("linkedin-followers.csv"), { followers: 5336, followersAt: "2024-02-02" });
    expect(p).toMatchObject({ platform: "linkedin", kind: "followers", days: 4, from: "2024-01-30", to: "2024-02-02" });
    expect(monthsOf(p)).toEqual({
      "2024-01": { newFollowers: 12, followers: 5336 - (-2 + 10) },
      "2024-02": { newFollowers: 8, followers: 5336 },
    });
  });

  it("followers: the total at an earlier date counts the later gains forward", () => {
    const p = parseSocialFile("linkedin", fixture("linkedin-followers.csv"), { followers: 1000, followersAt: "2024-01-31" });
    expect(monthsOf(p)).toEqual({ "2024-01": { newFollowers: 12, followers: 1000 }, "2024-02": { newFollowers: 8, followers: 1008 } });
  });

  it("followers: without the total it asks for it (the export has no total); a date outside the file is refused", () => {
    expect(problemOf(() => parseSocialFile("linkedin", fixture("linkedin-followers.csv"), {})).map((e) => e.path)).toEqual(["followers"]);
    expect(
      problemOf(() => parseSocialFile("linkedin", fixture("linkedin-followers.csv"), { followers: 10, followersAt: "2024-03-01" })).map((e) => e.path),
    ).toEqual(["followersAt"]);
  });

  it("content CSV with French headers: impressions and reactions (totals) per month, English thousands", () => {
    const p = parseSocialFile("linkedin", fixture("linkedin-content-fr.csv"));
    expect(p.kind).toBe("content");
    expect(monthsOf(p)).toEqual({ "2024-03": { impressions: 2200, reactions: 57 }, "2024-04": { impressions: 2100, reactions: 61 } });
  });

  it("visitors XLSX (note line, several sheets): total page views per month", () => {
    const p = parseSocialFile("linkedin", visitorsXlsx(), { kind: "visitors" });
    expect(p.kind).toBe("visitors");
    expect(monthsOf(p)).toEqual({ "2024-05": { pageVisits: 136 }, "2024-06": { pageVisits: 9 } });
  });

  it("content XLS (BIFF8) with real date cells and an English header", () => {
    const xls = workbook(
      {
        Metrics: [
          [
            "Date",
            "Impressions (organic)",
            "Impressions (sponsored)",
            "Impressions (total)",
            "Unique impressions (organic)",
            "Reactions (organic)",
            "Reactions (sponsored)",
            "Reactions (total)",
          ],
          [new Date(Date.UTC(2024, 6, 31)), 100, 0, 100, 80, 5, 0, 5],
          [new Date(Date.UTC(2024, 7, 1)), 300, 20, 320, 200, 9, 1, 10],
        ],
      },
      "biff8",
    );
    expect([...xls.subarray(0, 4)]).toEqual([0xd0, 0xcf, 0x11, 0xe0]);
    const p = parseSocialFile("linkedin", xls);
    expect(monthsOf(p)).toEqual({ "2024-07": { impressions: 100, reactions: 5 }, "2024-08": { impressions: 320, reactions: 10 } });
  });

  it("followers without a total column: sponsored, organic and auto-invited are summed", () => {
    const csv = Buffer.from("Date,Sponsored followers,Organic followers,Auto-invited followers\n06/01/2024,1,-4,2\n06/02/2024,0,7,0\n");
    expect(monthsOf(parseSocialFile("linkedin", csv, { followers: 100 }))).toEqual({ "2024-06": { newFollowers: 6, followers: 100 } });
  });

  it("French followers and visitors headers (XLSX)", () => {
    const followers = workbook({
      "Nouveaux abonnés": [
        ["Remarque : données agrégées par jour."],
        ["Date", "Abonnés sponsorisés", "Abonnés organiques", "Abonnés invités automatiquement", "Total des abonnés"],
        ["12/31/2024", 0, 12, 1, 13],
      ],
    });
    expect(monthsOf(parseSocialFile("linkedin", followers, { followers: 5336 }))).toEqual({ "2024-12": { newFollowers: 13, followers: 5336 } });
    const visitors = workbook({
      "Indicateurs des visiteurs": [
        [
          "Date",
          "Vues de la page Présentation (ordinateur)",
          "Vues de la page Présentation (total)",
          "Total des vues de page (ordinateur)",
          "Total des vues de page (mobile)",
          "Total des vues de page (total)",
          "Total des visiteurs uniques (total)",
        ],
        ["11/30/2024", 4, 9, 30, 12, 42, 20],
      ],
    });
    expect(monthsOf(parseSocialFile("linkedin", visitors))).toEqual({ "2024-11": { pageVisits: 42 } });
  });

  it("a file that is not what it claims: a clear problem", () => {
    expect(problemOf(() => parseSocialFile("linkedin", visitorsXlsx(), { kind: "followers" }))[0]!.message).toBe(
      "this is a LinkedIn visitors file, not a LinkedIn followers file",
    );
    expect(problemOf(() => parseSocialFile("linkedin", fixture("Totals.csv")))[0]!.message).toMatch(/not a LinkedIn page analytics file/);
    expect(problemOf(() => parseSocialFile("linkedin", Buffer.from("%PDF-1.7\n\u0000\u0001binary")))[0]!.message).toMatch(/neither a spreadsheet/);
    expect(problemOf(() => parseSocialFile("linkedin", Buffer.alloc(0)))[0]!.message).toMatch(/empty/);
    const badDate = Buffer.from("Date,Total followers\n2024/13/45,3\n");
    expect(problemOf(() => parseSocialFile("linkedin", badDate, { followers: 3 }))[0]!.message).toMatch(
      /row 2: "2024\/13\/45" is not a date written MM\/DD\/YYYY/,
    );
  });
});

describe("YouTube Studio", () => {
  const zip = () =>
    Buffer.from(
      zipSync({
        "Contenu 2024-03-01_2024-05-31/Table data.csv": new Uint8Array(fixture("Table data.csv")),
        "Contenu 2024-03-01_2024-05-31/Totals.csv": new Uint8Array(fixture("Totals.csv")),
      }),
    );

  it("the zip (French headers, the Total row, decimal commas): views, subscribers and videos published per month", () => {
    const p = parseSocialFile("youtube", zip());
    expect(p).toMatchObject({ platform: "youtube", kind: "youtube", from: "2024-03-12", to: "2024-05-10" });
    expect(monthsOf(p)).toEqual({
      "2024-03": { views: 600, newFollowers: 8, videosPublished: 2 },
      "2024-04": { views: 412, newFollowers: -1, videosPublished: 0 },
      "2024-05": { views: 500, newFollowers: 30, videosPublished: 1 },
    });
  });

  it("Table data.csv alone: videos by publish month, the Total row left out", () => {
    expect(monthsOf(parseSocialFile("youtube", fixture("Table data.csv")))).toEqual({
      "2024-03": { videosPublished: 2 },
      "2024-04": { videosPublished: 0 },
      "2024-05": { videosPublished: 1 },
    });
  });

  it("Chart data.csv (English, per day and video) and Totals.csv alone: views per month", () => {
    expect(monthsOf(parseSocialFile("youtube", fixture("Chart data.csv")))).toEqual({ "2024-03": { views: 1300 }, "2024-04": { views: 412 } });
    expect(monthsOf(parseSocialFile("youtube", fixture("Totals.csv")))).toEqual({
      "2024-03": { views: 600, newFollowers: 8 },
      "2024-04": { views: 412, newFollowers: -1 },
      "2024-05": { views: 500, newFollowers: 30 },
    });
  });

  it("a LinkedIn file or a zip of something else is refused", () => {
    expect(problemOf(() => parseSocialFile("youtube", fixture("linkedin-followers.csv")))[0]!.message).toMatch(/not a YouTube Studio export/);
    expect(problemOf(() => parseSocialFile("youtube", Buffer.from(zipSync({ "notes.txt": strToU8("hello") }))))[0]!.message).toMatch(
      /not a YouTube Studio export/,
    );
  });
});

describe("POST /v1/social-metrics/{platform}/import", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  const upload = async (path: string, body: Buffer, role = "delegation", headers: Record<string, string> = {}) =>
    fetch(`${stack.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${await stack.identity.token(role)}`, "content-type": "application/octet-stream", ...headers },
      body,
    });
  const months = async () =>
    ((await (await stack.call("GET", "/v1/social-metrics?year=2024", { role: "auditor" })).json()) as { items: Array<Record<string, unknown>> }).items;

  it("imports the LinkedIn followers, content and visitors files (each keeps the others' metrics of a month), and the YouTube zip", async () => {
    let res = await upload("/v1/social-metrics/linkedin/import?followers=5336&followersAt=2024-02-02", fixture("linkedin-followers.csv"), "delegation", {
      "content-type": "text/csv",
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      platform: "linkedin",
      kind: "followers",
      days: 4,
      months: [
        { month: "2024-01", followers: 5328, newFollowers: 12 },
        { month: "2024-02", followers: 5336, newFollowers: 8 },
      ],
    });
    res = await upload("/v1/social-metrics/linkedin/import", fixture("linkedin-content-fr.csv"), "tresorier");
    expect(res.status).toBe(201);
    res = await upload(
      "/v1/social-metrics/youtube/import",
      Buffer.from(zipSync({ "Table data.csv": new Uint8Array(fixture("Table data.csv")), "Totals.csv": new Uint8Array(fixture("Totals.csv")) })),
      "delegation",
      { "content-type": "application/zip" },
    );
    expect(res.status).toBe(201);
    res = await upload("/v1/social-metrics/linkedin/import", visitorsXlsx(), "delegation", {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    });
    expect(res.status).toBe(201);
    await stack.call("PUT", "/v1/social-metrics/linkedin/2024-03", { role: "delegation", body: { pageVisits: 77 } });
    res = await upload("/v1/social-metrics/linkedin/import", fixture("linkedin-content-fr.csv"), "tresorier");
    const all = await months();
    expect(all.find((m) => m.platform === "linkedin" && m.month === "2024-03")).toMatchObject({
      impressions: 2200,
      reactions: 57,
      pageVisits: 77,
      source: "import:content",
    });
    expect(all.find((m) => m.platform === "linkedin" && m.month === "2024-01")).toMatchObject({ followers: 5328, newFollowers: 12 });
    expect(all.find((m) => m.platform === "linkedin" && m.month === "2024-05")).toMatchObject({ pageVisits: 136, source: "import:visitors" });
    expect(all.find((m) => m.platform === "youtube" && m.month === "2024-04")).toMatchObject({ views: 412, newFollowers: -1, videosPublished: 0 });
  });

  it("a wrong file: 400 with a clear problem, nothing written", async () => {
    const before = await months();
    const res = await upload("/v1/social-metrics/linkedin/import?kind=followers&followers=10", visitorsXlsx());
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { detail: string }).detail).toBe("this is a LinkedIn visitors file, not a LinkedIn followers file");
    const bad = Buffer.from("Date,Total followers\n01/01/2024,3\n01/02/2024,oops\n");
    expect((await upload("/v1/social-metrics/linkedin/import?followers=3", bad)).status).toBe(400);
    expect((await upload("/v1/social-metrics/instagram/import", bad)).status).toBe(400);
    expect(await months()).toEqual(before);
  });

  it("the auditor cannot import; a replay with the same Idempotency-Key answers the first answer", async () => {
    expect((await upload("/v1/social-metrics/youtube/import", fixture("Totals.csv"), "auditor")).status).toBe(403);
    const a = await upload("/v1/social-metrics/youtube/import", fixture("Totals.csv"), "tresorier", { "idempotency-key": "yt-1" });
    const b = await upload("/v1/social-metrics/youtube/import", fixture("Totals.csv"), "tresorier", { "idempotency-key": "yt-1" });
    expect(a.status).toBe(201);
    expect(await b.json()).toEqual(await a.json());
    const c = await upload("/v1/social-metrics/youtube/import", fixture("Chart data.csv"), "tresorier", { "idempotency-key": "yt-1" });
    expect(c.status).toBe(409);
  });
});
