/** An incident in one line of words (stuck list, its CSV, the case page): what, whose, how often, why. */
import type { Incident } from '../../app/views/incidents';
import type { Locale } from '../../domain/vocabulary';
import { label } from '../../i18n/labels';
import { message } from '../../i18n/messages';

/**
 * A department system's failure as recorded (activities/adapters: "The housing information
 * system is unavailable (timeout): …") in the reader's words; the status code stays, for IT. Any
 * other error (a mail server's, a register's) is shown as recorded.
 */
export function systemErrorWords(error: string, locale: Locale): string {
  const m =
    /^The \w+ information system is unavailable \((timeout|network|http_status|malformed_response)\): (?:HTTP (\d{3}))?/.exec(
      error,
    );
  if (!m) return error;
  switch (m[1]) {
    case 'timeout':
      return message(locale, 'supSystemTimeout');
    case 'network':
      return message(locale, 'supSystemNetwork');
    case 'http_status':
      return message(locale, 'supSystemHttpStatus', { status: m[2] ?? '?' });
    default:
      return message(locale, 'supSystemMalformed');
  }
}

export function incidentText(i: Incident, locale: Locale): string {
  const what = [label('incidentKind', i.kind, locale)];
  if (i.event) what.push(label('noticeEvent', i.event, locale));
  if (i.channel) what.push(label('channel', i.channel, locale));
  if (i.department) what.push(label('department', i.department, locale));
  if (i.reservationKind) what.push(label('reservationKind', i.reservationKind, locale));
  if (i.cause) what.push(label('commitCause', i.cause, locale));
  const rounds = message(locale, 'supIncidentRounds', { rounds: i.rounds });
  return `${what.join(' · ')} · ${rounds}${i.error ? ` · ${systemErrorWords(i.error, locale)}` : ''}`;
}
