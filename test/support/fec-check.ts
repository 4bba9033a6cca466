/**
 * A re-reader of FEC files that checks every rule of the reference (§2), as the official checker
 * would: name, header, separator, field count, dates, decimal commas, one side per line, balanced
 * entries, continuous numbering, opening entries first, ValidDate everywhere, no closing entries,
 * an auxiliary account's number and label given together; lettrage: EcritureLet and DateLet given
 * together, DateLet a real date, and each code of a third-party account (4xx) balanced.
 */
export const FEC_HEADER =
  "JournalCode JournalLib EcritureNum EcritureDate CompteNum CompteLib CompAuxNum CompAuxLib PieceRef PieceDate EcritureLib Debit Credit EcritureLet DateLet ValidDate Montantdevise Idevise".split(
    " ",
  );
const MAY_BE_BLANK = new Set(["CompAuxNum", "CompAuxLib", "EcritureLet", "DateLet", "Montantdevise", "Idevise"]);

export interface FecLine {
  journal: string;
  num: string;
  account: string;
  auxNum: string;
  auxLib: string;
  debit: number;
  credit: number;
  letter: string;
  dateLet: string;
}

const realDate = (s: string) => {
  if (!/^\d{8}$/.test(s)) return false;
  const d = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10).replaceAll("-", "") === s;
};
const cents = (s: string) => {
  const m = /^(\d+),(\d{2})$/.exec(s);
  return m ? Number(m[1]) * 100 + Number(m[2]) : NaN;
};

/** Returns the problems found (empty when the file is valid) and the parsed lines. */
export function checkFec(fileName: string, text: string, siren: string, year: number) {
  const problems: string[] = [];
  if (fileName !== `${siren}FEC${year}1231.txt`) problems.push(`file name ${fileName}`);
  const rows = text.split("\r\n");
  if (rows.at(-1) === "") rows.pop();
  if (rows[0] !== FEC_HEADER.join("\t")) problems.push("header line");
  const lines: FecLine[] = [];
  const entryTotals = new Map<string, number>();
  const seen: string[] = [];
  rows.slice(1).forEach((row, i) => {
    const f = row.split("\t");
    const at = `line ${i + 2}`;
    if (f.length !== 18) return problems.push(`${at}: ${f.length} fields`);
    if (row.includes(".") && /\d\.\d/.test(f[11]! + f[12]!)) problems.push(`${at}: decimal point`);
    FEC_HEADER.forEach((name, k) => {
      if (!MAY_BE_BLANK.has(name) && f[k] === "") problems.push(`${at}: ${name} blank`);
    });
    for (const k of [3, 9, 15]) if (!realDate(f[k]!)) problems.push(`${at}: ${FEC_HEADER[k]} ${f[k]} is not AAAAMMJJ`);
    if (!/^\d{3}/.test(f[4]!)) problems.push(`${at}: CompteNum ${f[4]}`);
    if ((f[6] === "") !== (f[7] === "")) problems.push(`${at}: CompAuxNum and CompAuxLib go together`);
    if ((f[13] === "") !== (f[14] === "")) problems.push(`${at}: EcritureLet and DateLet go together`);
    if (f[14] !== "" && !realDate(f[14]!)) problems.push(`${at}: DateLet ${f[14]} is not AAAAMMJJ`);
    const debit = cents(f[11]!);
    const credit = cents(f[12]!);
    if (Number.isNaN(debit) || Number.isNaN(credit)) problems.push(`${at}: amounts ${f[11]} ${f[12]}`);
    if (debit > 0 === credit > 0) problems.push(`${at}: needs exactly one of debit or credit`);
    if (f[0] === "CL") problems.push(`${at}: closing entry in the FEC`);
    const num = f[2]!;
    if (seen.at(-1) !== num) {
      if (seen.includes(num)) problems.push(`${at}: entry ${num} is split`);
      seen.push(num);
    }
    entryTotals.set(num, (entryTotals.get(num) ?? 0) + debit - credit);
    lines.push({ journal: f[0]!, num, account: f[4]!, auxNum: f[6]!, auxLib: f[7]!, debit, credit, letter: f[13]!, dateLet: f[14]! });
  });
  // A lettrage code on a third-party account settles its lines: they add up to zero.
  const lettered = new Map<string, number>();
  for (const l of lines)
    if (l.letter && l.account.startsWith("4")) lettered.set(`${l.account} ${l.letter}`, (lettered.get(`${l.account} ${l.letter}`) ?? 0) + l.debit - l.credit);
  for (const [code, total] of lettered) if (total !== 0) problems.push(`lettrage ${code} does not balance (${total})`);
  for (const [num, total] of entryTotals) if (total !== 0) problems.push(`entry ${num} does not balance (${total})`);
  // Continuous numbering per journal, in order; AN first.
  const byJournal = new Map<string, number[]>();
  for (const num of seen) {
    const m = /^([A-Z]{2})(\d{6})$/.exec(num);
    if (!m) {
      problems.push(`EcritureNum ${num}`);
      continue;
    }
    (byJournal.get(m[1]!) ?? byJournal.set(m[1]!, []).get(m[1]!)!).push(Number(m[2]));
  }
  for (const [journal, nums] of byJournal)
    nums.forEach((n, i) => {
      if (n !== i + 1) problems.push(`journal ${journal}: number ${n} where ${i + 1} was expected`);
    });
  const firstNonAn = seen.findIndex((n) => !n.startsWith("AN"));
  if (firstNonAn >= 0 && seen.slice(firstNonAn).some((n) => n.startsWith("AN"))) problems.push("opening entries are not first");
  return { problems, lines };
}

/** Per-account balance (debit − credit) of parsed FEC lines. */
export function balancesOf(lines: FecLine[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(l.account, (out.get(l.account) ?? 0) + l.debit - l.credit);
  return out;
}
