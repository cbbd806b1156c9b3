/**
 * Lines of a letter that are the email's own ("sent automatically, do not reply to this email"):
 * each letter template marks them `<p class="email-only">`. The same letter read on the service
 * platform, pointed to by an SMS or printed to serve by post, leaves them out.
 */
const EMAIL_ONLY = /<p class="email-only">[\s\S]*?<\/p>\n?/g;

/** The letter without its email-only lines. */
export function withoutEmailLines(html: string): string {
  return html.replace(EMAIL_ONLY, '');
}
