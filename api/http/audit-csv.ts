/** The supervisor's audit trail as a CSV download (UTF-8 with a byte order mark, header row). */
import { csvCell } from '../../app/csv';
import type { AuditEventView } from '../../app/views/audit-views';

export function auditCsv(events: readonly AuditEventView[]): string {
  const header = ['at', 'type', 'actor_id', 'actor_role', 'actor_department', 'department', 'what', 'why', 'data'];
  const rows = events.map((e) =>
    [e.at, e.type, e.actor.id, e.actor.role, e.actor.department, e.department, e.what, e.why, e.data].map(csvCell).join(','),
  );
  return `\uFEFF${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
