/**
 * CSV for downloads (the audit trail, the stuck-case list): UTF-8 with a byte order mark so
 * spreadsheets read Chinese, a header row, CRLF lines, every cell quoted. A cell starting with
 * = + - @ is defused against spreadsheet formula injection. Shared by the JSON API and the pages.
 */
export function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
}

export function csvDocument(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const lines = [header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
