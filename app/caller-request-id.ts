/**
 * A client's request key (an `Idempotency-Key`, a request id, a form's hidden id), scoped to the
 * caller: the id a command and the workflow's Update carry. Two people whose clients happen to
 * send the same key make two requests, never one request's replay — else the second would be
 * answered with the first's result, past the workflow's checks of who may act. Both doors use it.
 */
export const callerRequestId = (sub: string, key: string): string => `${sub}:${key}`;
