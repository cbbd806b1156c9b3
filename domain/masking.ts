/**
 * Masking of personal data for notices, published rankings (§2 "open and transparent") and logs.
 * Masks keep the original length so a reader can still tell the kind of value apart.
 * Pure: workflow code and loggers import this module.
 */

const MASK = '*';

/** Below this length, keeping 4 + 4 characters would reveal too much: mask everything. */
const ID_MIN_LENGTH_TO_KEEP_ENDS = 12;

/** `61010519491231123X` → `6101**********123X` (first 4 and last 4 kept, length kept). */
export function maskIdNumber(id: string): string {
  const s = id.trim().toUpperCase();
  if (s.length < ID_MIN_LENGTH_TO_KEEP_ENDS) return MASK.repeat(s.length);
  return s.slice(0, 4) + MASK.repeat(s.length - 8) + s.slice(-4);
}

/** `13812345678` → `138****5678` (first 3 and last 4 kept, length kept). */
export function maskPhone(phone: string): string {
  const s = phone.trim();
  if (s.length < 8) return MASK.repeat(s.length);
  return s.slice(0, 3) + MASK.repeat(s.length - 7) + s.slice(-4);
}

/**
 * `张三丰` → `张**`. Works on code points, not UTF-16 units, so rare characters outside the
 * BMP (e.g. 𠮷) count as one. A one-character name is fully masked: keeping it would reveal it.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return MASK.repeat(chars.length);
  return (chars[0] ?? '') + MASK.repeat(chars.length - 1);
}

/**
 * Any run of 17 ASCII digits followed by a digit or X/x. Deliberately no word boundaries:
 * an ID glued to other digits or letters (`id=110105…002X`, `…0021abc`) must still be caught;
 * a false positive on some other long number only hides a little more than needed.
 */
const ID_NUMBER_IN_TEXT = /\d{17}[\dXx]/g;

/** Replaces every ID-number-looking substring with its mask; used by loggers and error paths. */
export function maskIdNumbersInText(text: string): string {
  return text.replace(ID_NUMBER_IN_TEXT, (m) => maskIdNumber(m));
}
