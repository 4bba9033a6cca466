/**
 * The ledger's item layout in the single table.
 *
 * | item | pk | sk | indexes |
 * | --- | --- | --- | --- |
 * | entry | `ENTRY#<id>` | `ENTRY` | gsi1 `LEDGER#PENDING`/created while draft, then `LEDGER#CHAIN`/seq; gsi2 `JOURNAL#<year>#<journal>`/number |
 * | reversal marker | `ENTRY#<id>` | `REVERSAL` | |
 * | account line | `LINES#<year>#<account>` | `<date>#<seq>#<line>` | gsi1 `PLINES#<year>#<project>`/`<date>#<seq>#<line>` when the line has a project |
 * | monthly balance | `BAL#<year>` | `<account>#<MM>` (`#CL` for closing entries) | |
 * | fiscal year | `LEDGER` | `YEAR#<year>` | |
 * | journal counter | `LEDGER` | `COUNTER#<year>#<journal>` | |
 * | chain head | `LEDGER` | `HEAD` | |
 * | sequencer lease | `LEDGER` | `SEQUENCER` | |
 * | books closed through | `LEDGER` | `CLOSED` (`through`: last closed year) | |
 * | idempotency marker | `IDEM#<operation>#<key>` | `IDEM` | |
 * | custom account (sub-account) | `CHART` | `ACCOUNT#<number>` | |
 * | export job | `LEDGER#EXPORT` | `<id>` | |
 * | closing checklist as signed | `LEDGER` | `CLOSING#<year>` | |
 * | result allocation marker | `LEDGER` | `ALLOCATION#<year>` | |
 */
export const pad = (n: number, width: number) => String(n).padStart(width, "0");

export const keys = {
  entry: (id: string) => ({ pk: `ENTRY#${id}`, sk: "ENTRY" }),
  reversal: (id: string) => ({ pk: `ENTRY#${id}`, sk: "REVERSAL" }),
  line: (year: number, account: string, date: string, seq: number, index: number) => ({
    pk: `LINES#${year}#${account}`,
    sk: `${date}#${pad(seq, 12)}#${pad(index, 3)}`,
  }),
  linesPartition: (year: number, account: string) => `LINES#${year}#${account}`,
  /** The sparse index of a project's lines (gsi1 on the account line items that carry a project). */
  projectLinesIndex: (year: number, project: string) => `PLINES#${year}#${project}`,
  balance: (year: number, account: string, bucket: string) => ({ pk: `BAL#${year}`, sk: `${account}#${bucket}` }),
  balancePartition: (year: number) => `BAL#${year}`,
  year: (year: number) => ({ pk: "LEDGER", sk: `YEAR#${year}` }),
  counter: (year: number, journal: string) => ({ pk: "LEDGER", sk: `COUNTER#${year}#${journal}` }),
  head: { pk: "LEDGER", sk: "HEAD" },
  lease: { pk: "LEDGER", sk: "SEQUENCER" },
  closed: { pk: "LEDGER", sk: "CLOSED" },
  idempotency: (operation: string, key: string) => ({ pk: `IDEM#${operation}#${key}`, sk: "IDEM" }),
  account: (number: string) => ({ pk: "CHART", sk: `ACCOUNT#${number}` }),
  chartPartition: "CHART",
  exportJob: (id: string) => ({ pk: "LEDGER#EXPORT", sk: id }),
  closingRecord: (year: number) => ({ pk: "LEDGER", sk: `CLOSING#${year}` }),
  allocation: (year: number) => ({ pk: "LEDGER", sk: `ALLOCATION#${year}` }),
  pending: "LEDGER#PENDING",
  chain: "LEDGER#CHAIN",
  journalIndex: (year: number, journal: string) => `JOURNAL#${year}#${journal}`,
};
