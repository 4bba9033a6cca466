/**
 * The year end through HTTP (issue 19 items 4, 5, 7): the closing checklist of a year (suspense
 * accounts, social debts, the bank's statements and lines, Stripe, fonds dédiés, the year before),
 * the close refused while a point is blocking or a warning is not acknowledged, the checklist kept as
 * signed and printed as the procès-verbal de clôture, the result allocated after the general
 * assembly, and the chart open to the whole ANC 2018-06 list with entries far ahead refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "./support/pdf-text.js";
import { startTestStack, type TestStack } from "./support/stack.js";

let stack: TestStack;
let donation = "";
const IBAN = "FR76 4255 9100 0008 0123 4567 812";

interface Item {
  id: string;
  status: "ok" | "warning" | "blocking";
  title: string;
  detail: string;
  figures?: Record<string, number | string>;
  comment?: string;
}
interface Checklist {
  year: number;
  ready: boolean;
  toAcknowledge: string[];
  closed?: { closedAt: string; signedBy: { sub: string; role: string; name?: string } };
  items: Item[];
}

const json = async <T>(res: Response, status: number): Promise<T> => {
  const body = await res.json();
  if (res.status !== status) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body as T;
};
const post = (date: string, label: string, lines: unknown[], journal = "OD") =>
  stack.call("POST", "/v1/ledger/entries", { body: { journal, date, label, pieceRef: label.slice(0, 20), lines } });
const checklist = async (year: number) => json<Checklist>(await stack.call("GET", `/v1/ledger/years/${year}/closing-checklist`, { role: "auditor" }), 200);
const item = (c: Checklist, id: string) => c.items.find((i) => i.id === id)!;
const close = (year: number, body?: unknown) => stack.call("POST", `/v1/ledger/years/${year}/close`, body === undefined ? {} : { body });

// Written for this test: December 2024 on the current account, opening 0, two lines; closing 1 187,50 €.
const december = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>CLO-2024-12</MsgId><CreDtTm>2025-01-02T06:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-CLO-2024-12</Id>
      <CreDtTm>2025-01-02T06:00:00+01:00</CreDtTm>
      <FrToDt><FrDtTm>2024-12-01T00:00:00+01:00</FrDtTm><ToDtTm>2024-12-31T23:59:59+01:00</ToDtTm></FrToDt>
      <Acct><Id><IBAN>${IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-12-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1187.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-12-31</Dt></Dt></Bal>
      <Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">1200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2024-12-05</Dt></BookgDt><ValDt><Dt>2024-12-05</Dt></ValDt><AcctSvcrRef>CLO1</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>VIR DON MARTIN</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
      <Ntry><NtryRef>2</NtryRef><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2024-12-31</Dt></BookgDt><ValDt><Dt>2024-12-31</Dt></ValDt><AcctSvcrRef>CLO2</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>FRAIS TENUE DE COMPTE</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>`;

beforeAll(async () => {
  stack = await startTestStack();
  donation = (
    await json<{ id: string }>(
      await post(
        "2024-12-05",
        "Don de Jeanne Martin",
        [
          { account: "512", debit: 120000 },
          { account: "7541", credit: 120000 },
        ],
        "BQ",
      ),
      201,
    )
  ).id;
  await json(
    await post("2024-12-10", "Versement à identifier", [
      { account: "471", debit: 30000 },
      { account: "7541", credit: 30000 },
    ]),
    201,
  );
  await json(
    await post("2024-12-31", "Salaire de décembre", [
      { account: "641", debit: 50000 },
      { account: "421", credit: 50000 },
    ]),
    201,
  );
});
afterAll(() => stack.close());

describe("the closing checklist", () => {
  it("names each point with its figures: a suspense account blocking, a debt and the missing statement to acknowledge", async () => {
    const c = await checklist(2024);
    expect(c.year).toBe(2024);
    expect(item(c, "year-ended").status).toBe("ok");
    expect(item(c, "previous-year").status).toBe("ok");
    expect(item(c, "suspense")).toMatchObject({ status: "blocking", figures: { "471": 30000 } });
    expect(item(c, "suspense").detail).toContain("Compte d'attente");
    expect(item(c, "social-tax-debts")).toMatchObject({ status: "warning", figures: { "421": 50000, total: 50000 } });
    expect(item(c, "bank-statement:512").status).toBe("warning");
    expect(item(c, "bank-statement:512").detail).toMatch(/Aucun relevé/);
    expect(item(c, "stripe-balance").status).toBe("ok");
    expect(item(c, "dedicated-funds").status).toBe("ok");
    expect(item(c, "drafts").status).toBe("ok");
    expect(c.ready).toBe(false);
    expect(c.items[0]!.status).toBe("blocking");
    expect(c.toAcknowledge).toEqual(expect.arrayContaining(["social-tax-debts", "bank-statement:512"]));
  });

  it("a statement reaching the year end clears its point; the line no entry explains is named with its amount", async () => {
    await json(await stack.call("POST", "/v1/bank/statements", { body: december, headers: { "content-type": "application/xml" } }), 200);
    const c = await checklist(2024);
    expect(item(c, "bank-statement:512")).toMatchObject({ status: "ok", figures: { lastStatementEnd: "2024-12-31", bankBalance: 118750 } });
    const unmatched = item(c, "bank-unmatched:512");
    expect(unmatched.status).toBe("warning");
    // Both lines are unmatched until the reconciliation runs.
    expect(unmatched.figures).toMatchObject({ lines: 2, total: 118750 });
    const lines = await json<{ items: Array<{ id: string; amount: number }> }>(await stack.call("GET", "/v1/bank/lines?status=unmatched"), 200);
    const gift = lines.items.find((l) => l.amount === 120000)!;
    await json(await stack.call("POST", `/v1/bank/lines/${gift.id}/match`, { body: { entryId: donation } }), 201);
    const after = item(await checklist(2024), "bank-unmatched:512");
    expect(after.figures).toMatchObject({ lines: 1, total: -1250 });
    expect(after.detail).toContain("1 ligne");
  });

  it("the year before still open is blocking for the next year's checklist", async () => {
    await json(
      await post(
        "2025-01-15",
        "Don de janvier",
        [
          { account: "512", debit: 5000 },
          { account: "7541", credit: 5000 },
        ],
        "BQ",
      ),
      201,
    );
    const c = await checklist(2025);
    expect(item(c, "previous-year")).toMatchObject({ status: "blocking", figures: { years: "2024" } });
    expect(item(c, "year-ended").status).toBe("ok");
    // The current year has not ended: blocking.
    const current = new Date().getUTCFullYear();
    expect(item(await checklist(current + 1), "year-ended").status).toBe("blocking");
  });
});

describe("closing from the checklist", () => {
  it("refuses (409) while a point is blocking, naming it and the warnings not acknowledged; nothing is closed", async () => {
    const res = await close(2024);
    expect(res.status).toBe(409);
    const p = (await res.json()) as { detail: string };
    expect(p.detail).toContain("suspense");
    expect(p.detail).toContain("social-tax-debts");
    expect(p.detail).toContain("bank-unmatched:512");
    const years = await json<{ items: Array<{ year: number; status: string }> }>(await stack.call("GET", "/v1/ledger/years"), 200);
    expect(years.items.find((y) => y.year === 2024)?.status).toBe("open");
  });

  it("once the suspense account is settled, a warning left unacknowledged is still refused by name", async () => {
    await json(
      await post("2024-12-31", "Imputation du versement en attente", [
        { account: "7541", debit: 30000 },
        { account: "471", credit: 30000 },
      ]),
      201,
    );
    await json(
      await post(
        "2024-12-31",
        "Frais de tenue de compte",
        [
          { account: "627", debit: 1250 },
          { account: "512", credit: 1250 },
        ],
        "BQ",
      ),
      201,
    );
    const c = await checklist(2024);
    expect(item(c, "suspense").status).toBe("ok");
    expect(c.ready).toBe(true);
    const res = await close(2024, { acknowledged: [{ id: "bank-unmatched:512", comment: "Frais bancaires comptabilisés, à rapprocher." }] });
    expect(res.status).toBe(409);
    const detail = ((await res.json()) as { detail: string }).detail;
    expect(detail).toContain("social-tax-debts");
    expect(detail).not.toContain("suspense");
  });

  it("an acknowledgement without a comment is a 400 naming the field", async () => {
    const res = await close(2024, { acknowledged: [{ id: "social-tax-debts", comment: "" }] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("acknowledged.0.comment");
  });

  it("closes once every warning is acknowledged; the checklist is kept as signed, with the comments", async () => {
    const c = await checklist(2024);
    const acknowledged = c.toAcknowledge.map((id) => ({
      id,
      comment: id === "social-tax-debts" ? "Salaire de décembre payé le 5 janvier." : "Vu avec l'expert-comptable.",
    }));
    const closed = await json<{ result: number }>(await close(2024, { acknowledged, signer: "Marie Dupont, trésorière" }), 201);
    // 1 200 € of gifts − 500 € of pay − 12,50 € of fees.
    expect(closed.result).toBe(120000 - 50000 - 1250);
    const signed = await checklist(2024);
    expect(signed.closed?.signedBy).toMatchObject({ role: "tresorier", name: "Marie Dupont, trésorière" });
    expect(item(signed, "social-tax-debts").comment).toBe("Salaire de décembre payé le 5 janvier.");
    expect(item(signed, "suspense").status).toBe("ok");
  });

  it("gives the procès-verbal de clôture as a PDF, in French, beside the FEC", async () => {
    const res = await stack.call("GET", "/v1/ledger/years/2024/closing-report.pdf", { role: "auditor" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toMatch(/PV20241231\.pdf/);
    const text = (await pdfText(new Uint8Array(await res.arrayBuffer()))).replace(/\s+/g, " ");
    expect(text).toContain("Procès-verbal de clôture de l'exercice 2024");
    expect(text).toContain("Exercice du 01/01/2024 au 31/12/2024");
    expect(text).toMatch(/excédent de 687,50/);
    expect(text).toContain("Marie Dupont, trésorière");
    expect(text).toContain("Commentaire : Salaire de décembre payé le 5 janvier.");
    expect(text).toMatch(/FEC20241231\.txt/);
    const open = await stack.call("GET", "/v1/ledger/years/2025/closing-report.pdf", { role: "auditor" });
    expect(open.status).toBe(404);
  });
});

describe("the result allocation after the general assembly", () => {
  const allocate = (year: number, body: unknown) => stack.call("POST", `/v1/ledger/years/${year}/result-allocation`, { body });

  it("refuses amounts that do not add up to the result (400, naming both), an open year (409), a date outside the next year", async () => {
    const res = await allocate(2024, { date: "2025-06-15", lines: [{ account: "110", amount: 50000 }] });
    expect(res.status).toBe(400);
    const body = JSON.stringify(await res.json());
    expect(body).toContain("500,00");
    expect(body).toContain("687,50");
    expect((await allocate(2025, { date: "2026-06-15", lines: [{ account: "110", amount: 100 }] })).status).toBe(409);
    const paths = async (res: Response) => {
      expect(res.status).toBe(400);
      return ((await res.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path);
    };
    expect(await paths(await allocate(2024, { date: "2025-06-15", lines: [{ account: "120", amount: 68750 }] }))).toEqual(["lines.0.account"]);
    expect(await paths(await allocate(2024, { date: "2024-12-31", lines: [{ account: "110", amount: 68750 }] }))).toEqual(["date"]);
  });

  it("moves 120 to 110 and the reserves in the new year, once", async () => {
    const done = await json<{ result: number; entry: { date: string; lines: Array<{ account: string; debit: number; credit: number }> } }>(
      await allocate(2024, {
        date: "2025-06-15",
        lines: [
          { account: "110", amount: 18750 },
          { account: "1068", amount: 50000 },
        ],
      }),
      201,
    );
    expect(done.entry.date).toBe("2025-06-15");
    expect(done.entry.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ account: "120", debit: 68750 }),
        expect.objectContaining({ account: "110", credit: 18750 }),
        expect.objectContaining({ account: "1068", credit: 50000 }),
      ]),
    );
    const tb = await json<{ accounts: Array<{ account: string; balance: number }> }>(await stack.call("GET", "/v1/ledger/trial-balance?year=2025"), 200);
    expect(tb.accounts.find((a) => a.account === "120")?.balance).toBe(0);
    expect(tb.accounts.find((a) => a.account === "110")?.balance).toBe(-18750);
    const again = await allocate(2024, { date: "2025-06-16", lines: [{ account: "110", amount: 68750 }] });
    expect(again.status).toBe(409);
  });
});

describe("the chart and the dates (item 7)", () => {
  it("opens any account of the ANC 2018-06 list, not only extensions of seeded ones", async () => {
    for (const [number, label] of [
      ["44566", "TVA sur autres biens et services"],
      ["455", "Associés - comptes courants"],
      ["7088", "Autres produits des activités annexes"],
      ["2154", "Matériel industriel"],
    ] as const)
      expect((await stack.call("POST", "/v1/ledger/accounts", { body: { number, label } })).status, number).toBe(201);
    expect((await stack.call("POST", "/v1/ledger/accounts", { body: { number: "4999", label: "Inventé" } })).status).toBe(400);
    await json(
      await post("2025-02-01", "Achat avec TVA", [
        { account: "606", debit: 1000 },
        { account: "44566", debit: 200 },
        { account: "512", credit: 1200 },
      ]),
      201,
    );
  });

  it("bug: an entry dated 2200-01-01 was accepted and opened fiscal year 2200; more than a year past the current one is refused", async () => {
    const res = await post("2200-01-01", "Erreur de frappe", [
      { account: "512", debit: 100 },
      { account: "7541", credit: 100 },
    ]);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('"date"');
    const years = await json<{ items: Array<{ year: number }> }>(await stack.call("GET", "/v1/ledger/years"), 200);
    expect(years.items.some((y) => y.year === 2200)).toBe(false);
    const next = new Date().getUTCFullYear() + 1;
    expect(
      (
        await post(`${next}-01-02`, "Loyer de janvier prochain", [
          { account: "6132", debit: 100 },
          { account: "512", credit: 100 },
        ])
      ).status,
    ).toBe(201);
  });
});

describe("fonds dédiés at the closing", () => {
  it("blocking until posted; then what is left on an ended grant is a warning naming it and its amount", async () => {
    const funder = await json<{ id: string }>(await stack.call("POST", "/v1/funders", { body: { name: "Fondation des Communs", kind: "foundation" } }), 201);
    await json(
      await stack.call("POST", "/v1/grants", {
        body: {
          funderId: funder.id,
          title: "Ateliers 2025",
          agreementDate: "2025-02-01",
          amount: 300000,
          restricted: true,
          startDate: "2025-02-01",
          endDate: "2025-06-30",
          installments: [{ dueDate: "2025-03-01", amount: 300000 }],
        },
      }),
      201,
    );
    const before = await checklist(2025);
    expect(item(before, "dedicated-funds")).toMatchObject({ status: "blocking", figures: { pending: 1 } });
    expect(item(before, "dedicated-funds").detail).toContain("Fondation des Communs, Ateliers 2025");
    await json(await stack.call("POST", "/v1/ledger/years/2025/dedicated-funds"), 201);
    const after = await checklist(2025);
    expect(item(after, "dedicated-funds").status).toBe("ok");
    expect(item(after, "dedicated-funds-ended")).toMatchObject({ status: "warning", figures: { grants: 1, total: 300000 } });
    expect(item(after, "dedicated-funds-ended").detail).toContain("fin le 30/06/2025");
  });
});
