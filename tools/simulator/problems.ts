/**
 * The simulated department systems' own problem types. They stand in for other organisations'
 * systems, whose vocabulary is theirs, not the API's: they are not in the API's catalogue
 * (app/problem-codes.ts) and their `type` URIs sit on a host of the reserved `.example` domain,
 * which nothing serves. Our client (activities/adapters/department-systems.client.ts) reads only
 * the last segment. Problems the simulator shares with the API (validation-error, unauthorized,
 * not-found…) are HttpProblems with the catalogue's codes.
 */
import { ProblemError } from '../../api/problem';

export const SIMULATOR_PROBLEM_CODES = [
  'unknown-department',
  'unknown-register',
  'person-not-found',
  'record-not-found',
  'invalid-id-number',
  'idempotency-key-required',
  /** A register's 409: unlike the API's 422 of the same name (a key reused for another case). */
  'idempotency-key-reused',
  'injected-fault',
  'injected-refusal',
] as const;
export type SimulatorProblemCode = (typeof SIMULATOR_PROBLEM_CODES)[number];

export class DepartmentProblem extends ProblemError<SimulatorProblemCode> {
  override name = 'DepartmentProblem';
}

export const simulatorProblemTypeUri = (slug: string): string => `https://department-systems.example/problems/${slug}`;
