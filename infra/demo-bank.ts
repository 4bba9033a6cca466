/**
 * A demo bank statement for `npm run dev`: January 2025 of the current account (the first demo
 * IBAN), as the bank would send it in CAMT.053, built from the demo books so that it reconciles:
 * it opens at the ledger's 512 balance at the end of 2024, carries the Fondation Crédit Coopératif
 * installment booked on 2025-01-10, and a bank fee the books do not have yet (for the trésorier to
 * book from the bank-fees rule). Imported through the real `POST /v1/bank/statements`; nothing is
 * matched: the reconciliation screen proposes it.
 */
import { DEMO_BANK_ACCOUNTS } from "@asso/core/bank";
import { decimalAmount } from "@asso/core/money";

const amount = (cents: number) => decimalAmount(Math.abs(cents));

interface Movement {
  date: string;
  cents: number;
  ref: string;
  label: string;
  party?: string;
}

/** A CAMT.053.001.02 statement of one account (booked entries, opening and closing balances). */
export function camtStatement(iban: string, from: string, to: string, openingCents: number, movements: Movement[]): string {
  const closing = movements.reduce((s, m) => s + m.cents, openingCents);
  const bal = (code: string, cents: number, date: string) =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount(cents)}</Amt><CdtDbtInd>${cents < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  const entry = (m: Movement) =>
    `<Ntry><Amt Ccy="EUR">${amount(m.cents)}</Amt><CdtDbtInd>${m.cents < 0 ? "DBIT" : "CRDT"}</CdtDbtInd><Sts>BOOK</Sts>` +
    `<BookgDt><Dt>${m.date}</Dt></BookgDt><ValDt><Dt>${m.date}</Dt></ValDt><AcctSvcrRef>${m.ref}</AcctSvcrRef>` +
    `<NtryDtls><TxDtls>${m.party ? `<RltdPties><Dbtr><Nm>${m.party}</Nm></Dbtr></RltdPties>` : ""}<RmtInf><Ustrd>${m.label}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>DEMO-${to}</MsgId><CreDtTm>${to}T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>DEMO-${iban.slice(-4)}-${from.slice(0, 7)}</Id><CreDtTm>${to}T06:00:00</CreDtTm>
<Acct><Id><IBAN>${iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
${bal("OPBD", openingCents, from)}${bal("CLBD", closing, to)}
${movements.map(entry).join("\n")}
</Stmt></BkToCstmrStmt></Document>
`;
}

/** Imports the January 2025 demo statement; answers the import's `{ imported, duplicates }`. */
export async function seedBank(api: string, token: string): Promise<{ imported: number; duplicates: number }> {
  const headers = { authorization: `Bearer ${token}` };
  const tb = (await (await fetch(`${api}/v1/ledger/trial-balance?year=2024&closing=exclude`, { headers })).json()) as {
    accounts: { account: string; balance: number }[];
  };
  const opening = tb.accounts.find((a) => a.account === "512")?.balance ?? 0;
  const gl = (await (await fetch(`${api}/v1/ledger/general-ledger?year=2025&account=512&limit=500`, { headers })).json()) as {
    items: { date: string; label: string; debit: number; credit: number; pieceRef: string }[];
  };
  const january = gl.items.filter((i) => i.date <= "2025-01-31");
  const movements: Movement[] = [
    ...january.map((i, n) => ({
      date: i.date,
      cents: i.debit - i.credit,
      ref: `DEMO-${n + 1}`,
      label: `VIR ${i.label} ${i.pieceRef}`.toUpperCase().slice(0, 140),
      party: i.label.split(",")[0]!.slice(0, 70),
    })),
    { date: "2025-01-31", cents: -1240, ref: "DEMO-FRAIS", label: "FRAIS TENUE DE COMPTE JANVIER" },
  ];
  const xml = camtStatement(DEMO_BANK_ACCOUNTS[0]!.iban!, "2025-01-01", "2025-01-31", opening, movements);
  const res = await fetch(`${api}/v1/bank/statements`, { method: "POST", headers: { ...headers, "content-type": "application/xml" }, body: xml });
  if (res.status !== 200 && res.status !== 201) throw new Error(`demo bank statement: ${res.status} ${await res.text()}`);
  return (await res.json()) as { imported: number; duplicates: number };
}
