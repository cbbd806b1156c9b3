/**
 * Admission rounds (issue 13; §2 "公开透明"). Two routers because two audiences: the published
 * rankings are public — mounted before the Bearer-token check, no sign-in, rate-limited per IP
 * like all of /api — and the actions need a token: any signed-in person may object to an entry
 * during the public-notice period (公示); supervisors read a round in full, close it early and
 * resolve objections.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { Instant } from '../../app/views/instant';
import { closeRoundEarly, lodgeObjection, OBJECTING_ROLES, resolveObjection } from '../../app/commands/admission-rounds';
import { listRounds, viewRoundAsSupervisor, viewRoundPublic } from '../../app/queries/admission-rankings';
import { ObjectionView, PublicRoundView, RoundSummary, SupervisorRoundView } from '../../app/views/round-views';
import type { ApiDeps } from '../deps';
import { accessOf, PurposeHeader } from '../http/access-context';
import { idempotencyKeyHeader, requestIdOf } from '../http/request-id';
import { addRoute } from '../http/route';
import { CloseRoundBody, ObjectionBody, ObjectionParams, ResolutionBody, RoundIdParams } from '../schemas/rounds.schema';

const IdempotencyHeader = idempotencyKeyHeader(
  'The same key from the same person is the same request (one objection, one close)',
);

/** GET /rounds and GET /rounds/{roundId}: anyone, no token. */
export function publicRoundsRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();

  addRoute(router, registry, {
    method: 'get',
    path: '/rounds',
    summary: 'Every admission round of the points route, in the order they open, with its stage and published counts (public)',
    tag: 'rounds',
    responses: { 200: { description: 'The rounds', schema: z.object({ items: z.array(RoundSummary) }) } },
    handler: async () => ({ status: 200, body: { items: await listRounds(deps) } }),
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/rounds/:roundId',
    summary:
      'One round’s published ranking per district (公示): masked names and ID numbers, scores and their breakdown, cut-off (public)',
    tag: 'rounds',
    params: RoundIdParams,
    responses: {
      200: { description: 'The round as anyone may read it', schema: PublicRoundView },
      404: { description: 'No such round' },
    },
    handler: async ({ params }) => ({ status: 200, body: await viewRoundPublic(deps, params) }),
  });

  return router;
}

/** Objections (applicants, officers, supervisors: OBJECTING_ROLES) and the supervisors' round routes. */
export function roundsRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const supervisor = ['supervisor' as const];

  addRoute(router, registry, {
    method: 'post',
    path: '/rounds/:roundId/objections',
    summary:
      'Object to an entry of a published ranking during its public-notice period (公示); the reason is for supervisors only',
    tag: 'rounds',
    roles: [...OBJECTING_ROLES],
    params: RoundIdParams,
    headers: IdempotencyHeader,
    body: ObjectionBody,
    responses: {
      201: {
        description: 'Lodged (or lodged already with this Idempotency-Key): the objection is open',
        schema: z.object({ objectionId: z.string(), entryId: z.string(), status: z.string(), lodgedAt: Instant }),
      },
      404: { description: 'No such round, or no such entry in its ranking' },
      409: {
        description:
          'The round is not in its public-notice period (round-not-in-notice); the entry is no longer ranked: removed by an upheld objection, or its case left (entry-not-objectable); the caller already has an open objection to it (objection-already-lodged); or it is the calling applicant’s own case’s (own-entry)',
      },
    },
    handler: async ({ caller, params, body, req }) => ({
      status: 201,
      body: await lodgeObjection(deps, { actor: caller, roundId: params.roundId, ...body, idempotencyKey: requestIdOf(req) }),
    }),
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/rounds/:roundId',
    summary: 'One round in full: the ranking, every objection with its reason and who lodged it, the round’s audit lines',
    tag: 'supervisor',
    roles: supervisor,
    params: RoundIdParams,
    headers: PurposeHeader,
    responses: { 200: { description: 'The round', schema: SupervisorRoundView }, 404: { description: 'No such round' } },
    handler: async ({ caller, params, req }) => ({
      status: 200,
      body: await viewRoundAsSupervisor(deps, { actor: caller, roundId: params.roundId, access: accessOf(req) }),
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/rounds/:roundId/close',
    summary:
      'Close a round now, before its date: it is ranked at once and its public-notice period begins (audited with the reason)',
    tag: 'supervisor',
    roles: supervisor,
    params: RoundIdParams,
    headers: IdempotencyHeader,
    body: CloseRoundBody,
    responses: {
      200: { description: 'The round after its close', schema: SupervisorRoundView },
      404: { description: 'No such round' },
      409: { description: 'The round has not opened yet, is closed already, or has finished' },
    },
    handler: async ({ caller, params, body, req }) => ({
      status: 200,
      body: await closeRoundEarly(deps, {
        actor: caller,
        roundId: params.roundId,
        reason: body.reason,
        requestId: requestIdOf(req),
      }),
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/rounds/:roundId/objections/:objectionId/resolution',
    summary:
      'Resolve an objection: upheld removes the entry and admits the next in line; dismissed keeps it (audited with the note)',
    tag: 'supervisor',
    roles: supervisor,
    params: ObjectionParams,
    headers: IdempotencyHeader,
    body: ResolutionBody,
    responses: {
      200: { description: 'The objection as resolved', schema: ObjectionView },
      404: { description: 'No such round or objection' },
      409: { description: 'Resolved already, or the round is not in its public-notice period' },
    },
    handler: async ({ caller, params, body, req }) => ({
      status: 200,
      body: await resolveObjection(deps, { actor: caller, ...params, ...body, requestId: requestIdOf(req) }),
    }),
  });

  return router;
}
