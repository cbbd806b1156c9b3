/**
 * Who acts: the person a use case or query runs for, as the front end authenticated them (a
 * Bearer token for the JSON API, a session for the web pages). Applicants act on their own
 * cases, officers for their department, supervisors on every case. Auditors read the access
 * records (who viewed which case) and nothing else; operators read Temporal histories through the
 * codec server (issue 15).
 */
import type { Department } from '../domain/vocabulary';
import type { OfficerScope } from './officer-scope';

export interface ApplicantActor {
  sub: string;
  role: 'applicant';
  /**
   * The citizen ID number the identity provider verified for the account (real-name sign-in,
   * claim `id_number`). An applicant applies for themself (DOMAIN "Who uses it"), so a new
   * application's applicant must be this person; an account without it can track cases but not
   * apply (app/commands/submit-application.ts).
   */
  idNumber?: string;
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
export interface AuditorActor {
  sub: string;
  role: 'auditor';
}
export interface OperatorActor {
  sub: string;
  role: 'operator';
}
export type Actor = ApplicantActor | OfficerActor | SupervisorActor | AuditorActor | OperatorActor;
