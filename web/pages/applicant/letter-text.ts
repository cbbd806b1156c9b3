/**
 * A notice's letter (an email's, or the one an SMS points to) shown on a page as text. The letter is HTML our own templates rendered
 * (templates/, data escaped there), but a page never trusts stored markup: the tags are turned
 * into line breaks and bullets and dropped, entities decoded, and the view escapes the result
 * like any other value ({{ }}), shown pre-wrapped.
 */
import { withoutEmailLines } from '../../../templates/email-only';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export function letterText(html: string): string {
  // "Do not reply to this email" is the email's, not the page's.
  const text = withoutEmailLines(html)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    // Whitespace in HTML source is not layout: only the tags below make line breaks.
    .replace(/\s+/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '• ')
    .replace(/<\/(td|th)\s*>/gi, '  ')
    .replace(/<\/(p|h[1-6]|ul|ol|table|div)\s*>/gi, '\n\n')
    .replace(/<\/(li|tr)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
