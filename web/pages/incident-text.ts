/** An incident in one line of words (stuck list, its CSV, the case page): what, whose, how often, why. */
import type { Incident } from '../../app/views/incidents';
import type { Locale } from '../../domain/vocabulary';
import { label } from '../../i18n/labels';
import { message } from '../../i18n/messages';

export function incidentText(i: Incident, locale: Locale): string {
  const what = [label('incidentKind', i.kind, locale)];
  if (i.event) what.push(label('noticeEvent', i.event, locale));
  if (i.channel) what.push(label('channel', i.channel, locale));
  if (i.department) what.push(label('department', i.department, locale));
  if (i.reservationKind) what.push(label('reservationKind', i.reservationKind, locale));
  const rounds = message(locale, 'supIncidentRounds', { rounds: i.rounds });
  return `${what.join(' · ')} · ${rounds}${i.error ? ` · ${i.error}` : ''}`;
}
