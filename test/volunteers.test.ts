/**
 * Volunteers and gifts in kind (issue 20 item 4), through HTTP: a month's hours valued at the
 * settings' hourly rate (or the rate given) and booked 864 / 875 with the method stated, per
 * project; gifts in kind on their nature's accounts (860/870, 861/871, 862/871); the lists per
 * fiscal year; the correction by reversal (the ledger refuses a hand reversal); bad input named
 * field by field with nothing written; the FEC still valid.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFec } from "./support/fec-check.js";
import { startTestStack, type TestStack } from "./support/stack.js";

const SIREN = "912345678";
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ ASSO_SIREN: SIREN });
});
afterAll(() => stack.close());

type Json = Record<string, any>;
const call = async (method: string, path: string, body?: unknown, role = "tresorier") => {
  const res = await stack.call(method, path, { role, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: (await res.json()) as Json };
};
const balances = async (year: number) => {
  const { body } = await call("GET", `/v1/ledger/trial-balance?year=${year}`, undefined, "auditor");
  return Object.fromEntries((body.accounts as { account: string; balance: number }[]).map((a) => [a.account, a.balance])) as Record<string, number>;
};
const paths = (body: Json) => (body.errors as { path: string }[]).map((e) => e.path).sort();

describe("volunteer time", () => {
  it("without an hourly rate in the settings nor in the request, is refused naming the rate; nothing written", async () => {
    const r = await call("POST", "/v1/volunteer-time", { month: "2025-03", hours: 10, label: "Accueil" });
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/problem\+json/);
    expect(paths(r.body)).toEqual(["rate"]);
    expect(r.body.errors[0].message).toContain("taux horaire");
    expect((await balances(2025))["864"]).toBeUndefined();
  });

  it("bad fields are all named, nothing written", async () => {
    const r = await call("POST", "/v1/volunteer-time", { month: "2025-13", hours: -2, label: "", rate: 1.5, project: "" });
    expect(r.status).toBe(400);
    expect(paths(r.body)).toEqual(["hours", "label", "month", "project", "rate"]);
    const ahead = await call("POST", "/v1/volunteer-time", { month: "2099-01", hours: 3, rate: 1200, label: "Plus tard" });
    expect(ahead.status).toBe(400);
    expect(paths(ahead.body)).toEqual(["month"]);
    const extra = await call("POST", "/v1/volunteer-time", { month: "2025-03", hours: 3, rate: 1200, label: "x", account: "870" });
    expect(extra.status).toBe(400);
    expect((await balances(2025))["864"]).toBeUndefined();
  });

  it("a month's hours at the settings' rate: 864 / 875 on the month's last day, the method stated", async () => {
    const put = await stack.call("PUT", "/v1/settings/volunteers", {
      body: { hourlyRate: 1202, headcount: 110, method: "SMIC horaire brut, heures déclarées par les responsables d'activité" },
      headers: { "if-match": "0" },
    });
    expect(put.status).toBe(200);
    const r = await call("POST", "/v1/volunteer-time", { month: "2025-03", hours: 12.5, label: "Accueil du public, mars" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      kind: "time",
      year: 2025,
      month: "2025-03",
      date: "2025-03-31",
      hours: 12.5,
      rate: 1202,
      amount: 15025,
      accounts: { use: "864", source: "875" },
      status: "booked",
      project: null,
      reversal: null,
    });
    expect(r.body.method).toContain("12,02 €");
    expect(r.body.method).toContain("SMIC horaire brut");
    const entry = (await call("GET", `/v1/ledger/entries/${r.body.entryId}`, undefined, "auditor")).body;
    expect(entry).toMatchObject({ journal: "OD", status: "validated", date: "2025-03-31", pieceRef: "BENEVOLAT-2025-03" });
    expect(entry.lines.map((l: Json) => [l.account, l.debit, l.credit])).toEqual([
      ["864", 15025, 0],
      ["875", 0, 15025],
    ]);
    const tb = await balances(2025);
    expect(tb["864"]).toBe(15025);
    expect(tb["875"]).toBe(-15025);
  });

  it("per project, and at a rate given for the month; an unknown project is refused by name", async () => {
    expect((await call("POST", "/v1/projects", { code: "ECOLE", name: "École du numérique" })).status).toBe(201);
    const r = await call("POST", "/v1/volunteer-time", { month: "2025-04", hours: 8, rate: 2000, project: "ECOLE", label: "Ateliers numériques" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ project: "ECOLE", amount: 16000, rate: 2000 });
    expect(r.body.method).toContain("taux horaire donné");
    const entry = (await call("GET", `/v1/ledger/entries/${r.body.entryId}`, undefined, "auditor")).body;
    expect(entry.lines.map((l: Json) => l.project)).toEqual(["ECOLE", "ECOLE"]);
    const unknown = await call("POST", "/v1/volunteer-time", { month: "2025-04", hours: 1, project: "NOPE", label: "Inconnu" });
    expect(unknown.status).toBe(400);
    expect(paths(unknown.body)).toEqual(["project"]);
  });

  it("lists the fiscal year's months with the booked totals and the valuation in force", async () => {
    const r = await call("GET", "/v1/volunteer-time?year=2025", undefined, "delegation");
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: Json) => i.month)).toEqual(["2025-03", "2025-04"]);
    expect(r.body.totals).toEqual({ hours: 20.5, amount: 31025 });
    expect(r.body.valuation).toEqual({
      rate: 1202,
      method: "SMIC horaire brut, heures déclarées par les responsables d'activité",
      accounts: { use: "864", source: "875" },
    });
  });

  it("is corrected here by reversal (the ledger refuses to reverse it by hand), once, with who and why", async () => {
    const list = (await call("GET", "/v1/volunteer-time?year=2025")).body;
    const march = list.items.find((i: Json) => i.month === "2025-03");
    const byHand = await call("POST", `/v1/ledger/entries/${march.entryId}/reversal`, {});
    expect(byHand.status).toBe(409);
    const r = await call("POST", `/v1/volunteer-time/${march.id}/reversal`, { reason: "heures comptées deux fois" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: "reversed", reversal: { reason: "heures comptées deux fois", by: { role: "tresorier" } } });
    const reversing = (await call("GET", `/v1/ledger/entries/${r.body.reversal.entryId}`, undefined, "auditor")).body;
    expect(reversing).toMatchObject({ reversalOf: march.entryId, status: "validated", journal: "OD" });
    expect(reversing.lines.map((l: Json) => [l.account, l.debit, l.credit])).toEqual([
      ["864", 0, 15025],
      ["875", 15025, 0],
    ]);
    const again = await call("POST", `/v1/volunteer-time/${march.id}/reversal`, { reason: "encore" });
    expect(again.status).toBe(409);
    const missing = await call("POST", "/v1/volunteer-time/2025-000000000000/reversal", { reason: "?" });
    expect(missing.status).toBe(404);
    const noReason = await call("POST", `/v1/volunteer-time/${march.id}/reversal`, {});
    expect(noReason.status).toBe(400);
    expect(paths(noReason.body)).toEqual(["reason"]);
    expect((await call("GET", "/v1/volunteer-time?year=2025")).body.totals).toEqual({ hours: 8, amount: 16000 });
    const tb = await balances(2025);
    expect(tb["864"]).toBe(16000);
    expect(tb["875"]).toBe(-16000);
  });

  it("the délégation and the auditor read, only the trésorier books", async () => {
    expect((await call("POST", "/v1/volunteer-time", { month: "2025-05", hours: 1, label: "x" }, "delegation")).status).toBe(403);
    expect((await call("GET", "/v1/volunteer-time?year=2025", undefined, "auditor")).status).toBe(200);
  });
});

describe("gifts in kind", () => {
  it("are booked on their nature's accounts and listed per nature", async () => {
    const goods = await call("POST", "/v1/gifts-in-kind", {
      date: "2025-02-10",
      nature: "biens",
      amount: 45000,
      label: "Ordinateurs donnés",
      giver: "Entreprise Dupont",
    });
    expect(goods.status).toBe(201);
    expect(goods.body).toMatchObject({ kind: "gift", nature: "biens", accounts: { use: "860", source: "870" }, giver: "Entreprise Dupont", year: 2025 });
    const room = await call("POST", "/v1/gifts-in-kind", {
      date: "2025-03-01",
      nature: "mise-a-disposition",
      amount: 120000,
      label: "Salle prêtée par la mairie",
    });
    expect(room.body.accounts).toEqual({ use: "861", source: "871" });
    const service = await call("POST", "/v1/gifts-in-kind", {
      date: "2025-03-15",
      nature: "prestations",
      amount: 30000,
      label: "Graphisme offert",
      project: "ECOLE",
    });
    expect(service.body.accounts).toEqual({ use: "862", source: "871" });
    const entry = (await call("GET", `/v1/ledger/entries/${goods.body.entryId}`, undefined, "auditor")).body;
    expect(entry.lines.map((l: Json) => [l.account, l.debit, l.credit])).toEqual([
      ["860", 45000, 0],
      ["870", 0, 45000],
    ]);
    const list = (await call("GET", "/v1/gifts-in-kind?year=2025", undefined, "auditor")).body;
    expect(list.total).toBe(195000);
    expect(list.byNature.map((n: Json) => [n.nature, n.accounts.use, n.accounts.source, n.amount])).toEqual([
      ["biens", "860", "870", 45000],
      ["mise-a-disposition", "861", "871", 120000],
      ["prestations", "862", "871", 30000],
    ]);
    const tb = await balances(2025);
    expect([tb["860"], tb["861"], tb["862"], tb["870"], tb["871"]]).toEqual([45000, 120000, 30000, -45000, -150000]);
  });

  it("bad fields are all named; a correction reverses one", async () => {
    const bad = await call("POST", "/v1/gifts-in-kind", { date: "2025-02-30", nature: "argent", amount: 0, label: " " });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(["amount", "date", "label", "nature"]);
    const list = (await call("GET", "/v1/gifts-in-kind?year=2025")).body;
    const room = list.items.find((i: Json) => i.nature === "mise-a-disposition");
    const r = await call("POST", `/v1/gifts-in-kind/${room.id}/reversal`, { reason: "salle finalement louée" });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe("reversed");
    const after = (await call("GET", "/v1/gifts-in-kind?year=2025")).body;
    expect(after.total).toBe(75000);
    expect((await balances(2025))["861"] ?? 0).toBe(0);
  });

  it("the FEC stays valid with the contributions in kind", async () => {
    const res = await stack.call("GET", "/v1/ledger/export?year=2025&format=fec", { role: "auditor" });
    const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
    const { problems, lines } = checkFec(name, await res.text(), SIREN, 2025);
    expect(problems).toEqual([]);
    expect(lines.some((l) => l.account === "864")).toBe(true);
  });
});

describe("the volunteers' time account (settings: timeSourceAccount)", () => {
  let other: TestStack;
  beforeAll(async () => {
    other = await startTestStack({ ASSO_SIREN: SIREN });
  });
  afterAll(() => other.close());
  const put = async (value: Json) => {
    const s = ((await (await other.call("GET", "/v1/settings")).json()) as Json).sections.volunteers;
    return other.call("PUT", "/v1/settings/volunteers", { body: { ...s.value, ...value }, headers: { "if-match": String(s.version) } });
  };
  it("with 870 chosen, hours go to 864 / 870 and gifts of goods to 860 / 875; the change is refused once 870 or 875 hold entries", async () => {
    expect((await put({ hourlyRate: 1200, timeSourceAccount: "870" })).status).toBe(200);
    const t = await other.call("POST", "/v1/volunteer-time", { body: { month: "2025-03", hours: 10, label: "Accueil" } });
    expect(t.status).toBe(201);
    expect(((await t.json()) as Json).accounts).toEqual({ use: "864", source: "870" });
    const g = await other.call("POST", "/v1/gifts-in-kind", { body: { date: "2025-03-10", nature: "biens", amount: 5000, label: "Ordinateur" } });
    expect(g.status).toBe(201);
    expect(((await g.json()) as Json).accounts).toEqual({ use: "860", source: "875" });
    const tb = (await (await other.call("GET", "/v1/ledger/trial-balance?year=2025", { role: "auditor" })).json()) as Json;
    const by = Object.fromEntries((tb.accounts as Json[]).map((a) => [a.account, a.balance]));
    expect(by).toMatchObject({ "864": 12_000, "870": -12_000, "860": 5000, "875": -5000 });
    const refused = await put({ timeSourceAccount: "875" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Json).detail).toContain("870 ou 875");
    const annexe = (await (await other.call("GET", "/v1/reports/2025/annexe", { role: "delegation" })).json()) as Json;
    expect(annexe.contributionsInKind.method.join(" ")).toContain("870 Bénévolat");
    expect(annexe.contributionsInKind.ressources).toEqual([
      { account: "870", label: "Bénévolat", amount: 12_000 },
      { account: "875", label: "Dons en nature", amount: 5000 },
    ]);
  });
});

describe("a closed year's annexe after the time account changed", () => {
  let third: TestStack;
  beforeAll(async () => {
    third = await startTestStack({ ASSO_SIREN: SIREN });
  });
  afterAll(() => third.close());
  const put = async (value: Json) => {
    const s = ((await (await third.call("GET", "/v1/settings")).json()) as Json).sections.volunteers;
    return third.call("PUT", "/v1/settings/volunteers", { body: { ...s.value, ...value }, headers: { "if-match": String(s.version) } });
  };
  it("bug: the 2024 annexe named 870 « Dons en nature » once 875 was chosen, though 2024's hours were booked to 870", { timeout: 90_000 }, async () => {
    expect((await put({ hourlyRate: 1200, timeSourceAccount: "870" })).status).toBe(200);
    expect((await third.call("POST", "/v1/volunteer-time", { body: { month: "2024-06", hours: 5, label: "Fête de quartier" } })).status).toBe(201);
    let res = await third.call("POST", "/v1/ledger/years/2024/close");
    if (res.status === 409) {
      const c = (await (await third.call("GET", "/v1/ledger/years/2024/closing-checklist", { role: "auditor" })).json()) as Json;
      const acknowledged = (c.items as Json[]).filter((i) => i.status === "warning").map((i) => ({ id: i.id, comment: "Vu pour le test." }));
      res = await third.call("POST", "/v1/ledger/years/2024/close", { body: { acknowledged } });
    }
    expect(res.status, await res.clone().text()).toBe(201);
    // No open year holds 870 or 875 now: the ANC 2018-06 account may be chosen.
    expect((await put({ timeSourceAccount: "875" })).status).toBe(200);
    const annexe = (await (await third.call("GET", "/v1/reports/2024/annexe", { role: "delegation" })).json()) as Json;
    expect(annexe.contributionsInKind.ressources).toEqual([{ account: "870", label: "Bénévolat", amount: 6_000 }]);
    expect(annexe.contributionsInKind.method.join(" ")).toContain("870 Bénévolat");
  });
});
