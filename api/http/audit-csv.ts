/** The supervisor's audit trail as a CSV download (UTF-8 with a byte order mark, header row). */
import type { AuditEventView } from '../../app/views/audit-views';

const cell = (v: unknown): string => {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // Quote always; double quotes inside; a leading = + - @ is defused against spreadsheet formula injection.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

export function auditCsv(events: readonly AuditEventView[]): string {
  const header = ['at', 'type', 'actor_id', 'actor_role', 'actor_department', 'department', 'what', 'why', 'data'];
  const rows = events.map((e) =>
    [e.at, e.type, e.actor.id, e.actor.role, e.actor.department, e.department, e.what, e.why, e.data].map(cell).join(','),
  );
  return `\uFEFF${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
