/**
 * The application layer's one error type. A use case or query refuses by throwing an AppError
 * of a kind (what went wrong, in words every front end understands) and a stable code (the
 * problem type slug the API documents, e.g. `open-case-exists`). The JSON API maps kinds to
 * HTTP statuses in one place (api/problem.ts); the web pages will map them to their pages.
 * Anything that is not an AppError is a failure, not a refusal.
 */

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

export interface InvalidParam {
  /** JSON-pointer-like path of the offending field, e.g. `/family/0/idNumber`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly kind: AppErrorKind,
    /** A stable, documented slug, e.g. `validation-error`: the API's problem type. */
    readonly code: string,
    message: string,
    /** The fields at fault, for `invalid` and for conflicts that name people (§8). */
    readonly invalidParams?: readonly InvalidParam[],
    /** Members of the problem a client may act on (RFC 9457 extensions), e.g. `holder`. */
    readonly extensions?: Readonly<Record<string, string>>,
  ) {
    super(message);
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
