/**
 * Citizen ID number (公民身份号码) validation per GB 11643-1999 — the unique person key (§8).
 *
 * Pure and deterministic: workflow code imports this module, so "today" is always passed in by
 * the caller (a workflow uses its own deterministic clock, the API uses the wall clock).
 */

export type IdNumberErrorReason = 'length' | 'characters' | 'province' | 'birth_date' | 'future_birth_date' | 'check_digit';

export type IdNumberValidation =
  { ok: true; value: string; birthDate: string /* YYYY-MM-DD */ } | { ok: false; reason: IdNumberErrorReason; message: string };

export interface ValidateIdNumberOptions {
  /** The reference day (YYYY-MM-DD) for the "not born in the future" rule. */
  today: string;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/**
 * Province-level codes of GB/T 2260 that can start a citizen ID number; 71 (Taiwan), 81 (Hong
 * Kong) and 82 (Macao) are issued to residence-permit holders and are valid too.
 */
// prettier-ignore
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * True when `s` is YYYY-MM-DD and names a real day of the proleptic Gregorian calendar.
 * No lower bound on the year: the standard does not set one and old people exist.
 */
export function isCalendarDate(s: string): boolean {
  const m = DATE_PATTERN.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The check character for the first 17 digits (caller guarantees 17 ASCII digits). */
export function computeCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError('computeCheckDigit needs exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  }
  return CHECK_CHARS[sum % 11] ?? '';
}

function fail(reason: IdNumberErrorReason, message: string): IdNumberValidation {
  return { ok: false, reason, message };
}

/** The YYYY-MM-DD formed from positions 7–14 (not yet checked for being a real day). */
function birthDatePart(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/**
 * Validates and normalises an 18-character citizen ID number. Whitespace is removed (copy-paste
 * from forms, digits grouped), full-width characters become ASCII and a lower-case check
 * character x becomes X, so `value` is the canonical key to store and compare.
 *
 * Messages never echo the number itself: they end up in API responses and logs.
 */
export function validateIdNumber(raw: string, options: ValidateIdNumberOptions): IdNumberValidation {
  if (!isCalendarDate(options.today)) {
    // A programming error by the caller, not a bad ID: fail loudly.
    throw new RangeError(`validateIdNumber: options.today must be a YYYY-MM-DD calendar date`);
  }
  // As people type it: full-width digits and Ｘ from a Chinese input method, spaces grouping the
  // digits (610124 20180501 0048). NFKC makes them the ASCII characters they stand for.
  const value = raw.normalize('NFKC').replace(/\s/g, '').toUpperCase();

  if (value.length !== 18) {
    return fail(
      'length',
      `A citizen ID number has 18 characters; got ${value.length}. First-generation 15-digit numbers are not accepted.`,
    );
  }
  if (!/^\d{17}[\dX]$/.test(value)) {
    return fail('characters', 'A citizen ID number is 17 digits followed by a digit or X.');
  }
  if (!PROVINCE_CODES.has(value.slice(0, 2))) {
    return fail('province', `The first two digits (${value.slice(0, 2)}) are not a valid province code.`);
  }
  const birthDate = birthDatePart(value);
  if (!isCalendarDate(birthDate)) {
    return fail('birth_date', `Digits 7–14 (${birthDate}) are not a real calendar date.`);
  }
  // ISO dates with four-digit years order correctly as strings.
  if (birthDate > options.today) {
    return fail('future_birth_date', `The birth date ${birthDate} is after ${options.today}.`);
  }
  if (computeCheckDigit(value.slice(0, 17)) !== value[17]) {
    return fail('check_digit', 'The check character (last character) does not match; please check the number for typos.');
  }
  return { ok: true, value, birthDate };
}

/**
 * Completed years of age on `date` (YYYY-MM-DD) for an already validated ID number.
 * Someone born on 29 February turns a year older on 1 March in common years.
 */
export function ageOn(idNumber: string, date: string): number {
  if (!isCalendarDate(date)) throw new RangeError('ageOn: date must be a YYYY-MM-DD calendar date');
  const birthDate = birthDatePart(idNumber.trim());
  if (!isCalendarDate(birthDate)) throw new RangeError('ageOn: the ID number carries no valid birth date');
  if (birthDate > date) throw new RangeError('ageOn: date is before the birth date');
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  // "MM-DD" strings compare chronologically; before the birthday this year → one year less.
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
