/**
 * Money and dates as a tax receipt prints them: figures (`1 234,56 €`), words (`mille deux cent
 * trente-quatre euros et cinquante-six centimes`, as CERFA 11580 asks) and French dates.
 * Amounts are integer cents.
 */
import { toCardinal } from "n2words/fr-FR";

/** 123456 → "1 234,56 €" (narrow no-break space as thousands separator): the receipt's form, from the one formatter. */
export { receiptEuros as euros } from "../money.js";

/**
 * "deux millions" + "euros" → "deux millions d'euros": French puts "de" between a noun of quantity
 * (million, milliard…) and what it counts, when nothing follows the noun ("un million deux cent
 * mille euros" takes none). n2words answers "un million euros"; this is the fix around it.
 */
const unit = (words: string, n: number, singular: string, plural: string) => {
  const noun = n >= 2 ? plural : singular;
  return /\b(millions?|milliards?|billions?|billiards?|trillions?)$/.test(words) ? `${words} d'${noun}` : `${words} ${noun}`;
};

/**
 * An amount in words, in French, for the receipt: 8000 → "quatre-vingts euros", 7100 → "soixante
 * et onze euros", 100000000 → "un million d'euros", 50 → "cinquante centimes", 2005 → "vingt euros
 * et cinq centimes". Numbers come from n2words (French cardinals, traditional spelling); the
 * currency words (euro(s), d'euros, centime(s)) are put here, since the library's currency form
 * gets "d'euros" wrong.
 */
export function amountInWords(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`an amount is a whole number of cents ≥ 0, not ${cents}`);
  const whole = Math.floor(cents / 100);
  const centimes = cents % 100;
  if (whole === 0 && centimes === 0) return "zéro euro";
  const parts: string[] = [];
  if (whole > 0) parts.push(unit(toCardinal(whole), whole, "euro", "euros"));
  if (centimes > 0) parts.push(unit(toCardinal(centimes), centimes, "centime", "centimes"));
  return parts.join(" et ");
}

/** "2024-03-05" → "05/03/2024". */
export function frenchDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not a calendar date: ${iso}`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}
