/**
 * What the workflow asks to be told to someone: an event, who receives it, and the data its
 * template needs. The activity that records a transition renders and stores it.
 */
import type { NoticeData } from '../templates/schemas';
import type { Department, NoticeEvent } from './vocabulary';

export type NoticeAddressee = { kind: 'applicant' } | { kind: 'department'; department: Department } | { kind: 'supervisors' };

export interface NoticeRequest<E extends NoticeEvent = NoticeEvent> {
  event: E;
  /** Distinguishes repeated events of one case (e.g. the department); with case + event + channel it is the notice's key. */
  key: string;
  to: NoticeAddressee;
  data: NoticeData<E>;
}
