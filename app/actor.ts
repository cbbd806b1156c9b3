/**
 * Who acts: the person a use case or query runs for, as the front end authenticated them (a
 * Bearer token for the JSON API, a session for the web pages). Applicants act on their own
 * cases, officers for their department, supervisors on every case.
 */
import type { Department } from '../domain/vocabulary';
import type { OfficerScope } from './officer-scope';

export interface ApplicantActor {
  sub: string;
  role: 'applicant';
}
export interface OfficerActor {
  sub: string;
  role: 'officer';
  department: Department;
  /** Where the officer acts (app/officer-scope.ts): required, so no officer is city-wide by omission. */
  scope: OfficerScope;
}
export interface SupervisorActor {
  sub: string;
  role: 'supervisor';
}
export type Actor = ApplicantActor | OfficerActor | SupervisorActor;
