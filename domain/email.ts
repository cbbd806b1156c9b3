/**
 * An e-mail address as it was meant, however it was typed: a Chinese input method types ＠ and
 * full-width letters (NFKC makes them ASCII), a paste brings spaces. The application's schema
 * reads it so for both doors; the web form gives it back so when it shows the form again.
 */
export const normalizeEmail = (typed: string): string => typed.normalize('NFKC').trim();
