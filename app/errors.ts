/**
 * The application layer's one error type. A use case or query refuses by throwing an AppError
 * of a kind (what went wrong, in words every front end understands) and a stable code (the
 * problem type slug the API documents, e.g. `open-case-exists`). Codes are the catalogue's
 * (app/problem-codes.ts), and a code goes only with the kind whose HTTP status the catalogue gives
 * it: an undocumented code, or a 409 code thrown as `not_found`, does not compile. The JSON API
 * answers each kind with its status (api/problem.ts); the web pages map kinds to their pages.
 * Anything that is not an AppError is a failure, not a refusal.
 */
import type { ProblemCode, ProblemStatus } from './problem-codes';

export const APP_ERROR_KINDS = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'too_many',
] as const;
/**
 * invalid: the input breaks a rule (each bad field named); unauthenticated: the caller did not
 * prove who they are (a callback's signature missing or wrong); forbidden: not this actor's to do;
 * not_found: no such thing, or not the actor's to see; conflict: not in the state the action
 * needs (now); unprocessable: well-formed but not acceptable; too_many: this actor has done this
 * too often for now (a bound, not a rule of the case).
 */
export type AppErrorKind = (typeof APP_ERROR_KINDS)[number];

/** The HTTP status the API answers each kind of refusal with; a new kind does not compile without one. */
export const APP_ERROR_STATUS = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_many: 429,
} as const satisfies Record<AppErrorKind, number>;

/** The catalogue's codes a refusal of kind K may carry: those documented with K's status. */
export type AppErrorCode<K extends AppErrorKind = AppErrorKind> = {
  [C in ProblemCode]: ProblemStatus<C> extends (typeof APP_ERROR_STATUS)[K] ? C : never;
}[ProblemCode];

/** A kind and a code that go together, for tables that map other refusals (a workflow's) onto AppErrors. */
export type AppRefusal = { [K in AppErrorKind]: readonly [K, AppErrorCode<K>] }[AppErrorKind];

export interface InvalidParam {
  /** JSON-pointer-like path of the offending field, e.g. `/family/0/idNumber`. */
  path: string;
  message: string;
}

export class AppError<K extends AppErrorKind = AppErrorKind> extends Error {
  override name = 'AppError';
  /** A stable slug of the catalogue (app/problem-codes.ts), e.g. `validation-error`: the API's problem type. */
  readonly code: AppErrorCode;
  constructor(
    readonly kind: K,
    // Checked against the kind here; kept as any code of a refusal, so that AppError<'conflict'> is an AppError.
    code: AppErrorCode<K>,
    message: string,
    /** The fields at fault, for `invalid` and for conflicts that name people (§8). */
    readonly invalidParams?: readonly InvalidParam[],
    /** Members of the problem a client may act on (RFC 9457 extensions), e.g. `holder`. */
    readonly extensions?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.code = code as AppErrorCode;
  }
}

/** Another person's case answers exactly like a missing one, so case ids cannot be probed. */
export const noSuchCase = (message = 'No such case'): AppError => new AppError('not_found', 'not-found', message);

/**
 * Infrastructure failures are neither refusals nor bugs: a front end says "not now, retry"
 * (the API: 503) instead of "refused" or "error". Names the dependency that failed.
 */
export function describeUnavailable(err: unknown): 'MongoDB' | 'Temporal' | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: string; code?: unknown; message?: string; constructor?: { name?: string } };
  const name = e.name ?? '';
  if (
    /^Mongo(Server)?SelectionError$|^MongoNetwork|^MongoNotConnected|MongoTopologyClosed|^MongoPoolCleared|^MongoWaitQueueTimeout/.test(
      name,
    )
  )
    return 'MongoDB';
  if (name === 'MongooseServerSelectionError' || /Client must be connected|connection .* closed/i.test(e.message ?? '')) {
    return 'MongoDB';
  }
  // An Update whose RPC ran past the API's deadline: the workflow may still apply it later.
  if (name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return 'Temporal';
  // @temporalio/client surfaces gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4) as ServiceError.
  if (name === 'ServiceError' || name === 'ConnectionError' || name === 'TransportError') {
    const cause = (err as { cause?: { code?: number } }).cause;
    if (cause?.code === 14 || cause?.code === 4 || name !== 'ServiceError') return 'Temporal';
  }
  return undefined;
}
