/** Applicant routes: submit, track, read the notices sent, supplement, withdraw — only ever their own cases. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { provideSupplement } from '../../app/commands/provide-supplement';
import { submitApplication } from '../../app/commands/submit-application';
import { withdrawCase } from '../../app/commands/withdraw-case';
import { applicantNotices } from '../../app/queries/applicant-notices';
import { ownCases } from '../../app/queries/own-cases';
import { viewCaseAsApplicant } from '../../app/queries/view-case';
import { ApplicantCaseSummary, ApplicantCaseView } from '../../app/views/case-views';
import { ApplicantNoticeView } from '../../app/views/notice-views';
import type { ApiDeps } from '../deps';
import { idempotencyKeyHeader, idempotencyKeyOf, IdempotencyKeyHeader, requestIdOf } from '../http/request-id';
import { addRoute, Problem } from '../http/route';
import { ApplicationBody, SupplementBody, WithdrawBody } from '../schemas/application.schema';
import { CaseIdParams, CaseIdResponse, Limit } from '../schemas/common';

const IdempotencyHeader = idempotencyKeyHeader(
  'Same key + same body → the same case and response; same key + different body → 422',
);

export function applicantRouter(deps: ApiDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const roles = ['applicant' as const];

  addRoute(router, registry, {
    method: 'post',
    path: '/applicant/cases',
    summary: 'Submit a settlement application for yourself and co-residing family members',
    tag: 'applicant',
    roles,
    headers: IdempotencyHeader,
    // app/commands/submit-application.ts keeps the key with its answer, and frees it on a refusal;
    // the shared fingerprint refuses it on another call.
    ownIdempotencyStore: true,
    body: ApplicationBody,
    responses: {
      202: {
        description: 'Accepted: the case runs',
        schema: CaseIdResponse,
        headers: { Location: 'the new case: `/api/v1/applicant/cases/{caseId}`' },
      },
      403: {
        description:
          'Not an applicant account; or not yourself: you apply for yourself, so `applicant.idNumber` must be the citizen ID number the identity provider verified for your account (token claim `id_number`; type …/not-account-holder, invalidParams /applicant/idNumber). An applicant token without that claim cannot apply (type …/id-number-unverified), though it can track its cases',
        schema: Problem,
        contentType: 'application/problem+json',
      },
      409: {
        description:
          'A person of the application (applicant or family member) is already in an open case, or in another submission in progress (type …/open-case-exists), or was registered here by a settled case (type …/person-already-settled, named first) (§8); invalidParams names each by its JSON pointer, e.g. /family/1/idNumber — never the other case. When the applicant themself is not free, only they are named: nothing is said of the family members',
        schema: Problem,
        contentType: 'application/problem+json',
      },
      429: {
        description:
          'The rate limit (the `RateLimit` headers name it; `Retry-After` says when), or this account has had 10 applications refused today (Beijing time) because family members named in them were not free (type …/too-many-refused-applications): a family member’s ID number is typed, not verified, so the refusals are bounded to keep strangers’ numbers from being tested; apply again the next day, or at a counter',
        schema: Problem,
        contentType: 'application/problem+json',
      },
    },
    handler: async ({ caller, body, req }) => {
      const key = idempotencyKeyOf(req);
      const accepted = await submitApplication(deps, { actor: caller, application: body, idempotencyKey: key });
      return { status: 202, body: accepted, headers: { Location: `/api/v1/applicant/cases/${accepted.caseId}` } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/applicant/cases',
    summary: 'List your own cases, newest first',
    tag: 'applicant',
    roles,
    query: z.strictObject({ limit: Limit, cursor: z.string().max(200).optional() }),
    responses: {
      200: {
        description: 'A page of cases',
        schema: z.object({ items: z.array(ApplicantCaseSummary), nextCursor: z.string().optional() }),
      },
    },
    handler: async ({ caller, query }) => ({ status: 200, body: await ownCases(deps, { actor: caller, ...query }) }),
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/applicant/cases/:caseId',
    summary: 'Your case: status per department, deadlines, score breakdown, reservations',
    tag: 'applicant',
    roles,
    params: CaseIdParams,
    responses: { 200: { description: 'The case', schema: ApplicantCaseView } },
    handler: async ({ caller, params }) => ({
      status: 200,
      body: await viewCaseAsApplicant(deps, { actor: caller, caseId: params.caseId }),
    }),
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/applicant/cases/:caseId/notices',
    summary: 'The notices you were sent about your case (SMS and email, as rendered, ID numbers masked), oldest first',
    tag: 'applicant',
    roles,
    params: CaseIdParams,
    responses: {
      200: { description: 'Your notices of this case', schema: z.object({ items: z.array(ApplicantNoticeView) }) },
    },
    handler: async ({ caller, params }) => ({
      status: 200,
      body: { items: await applicantNotices(deps, { actor: caller, caseId: params.caseId }) },
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/applicant/cases/:caseId/supplements',
    headers: IdempotencyKeyHeader,
    summary: 'Provide the supplementary material a department asked for (补正)',
    tag: 'applicant',
    roles,
    params: CaseIdParams,
    body: SupplementBody,
    responses: {
      200: {
        description:
          'Accepted; the step goes back to the officer. The case as you see it, with the material provided (drawn once the read model shows it, or after 3 s as it then stands)',
        schema: ApplicantCaseView,
      },
      409: { description: 'No supplement is awaited' },
    },
    handler: async ({ caller, params, body, req }) => ({
      status: 200,
      body: await provideSupplement(deps, { actor: caller, caseId: params.caseId, requestId: requestIdOf(req), ...body }),
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/applicant/cases/:caseId/withdrawal',
    headers: IdempotencyKeyHeader,
    summary: 'Withdraw your case; anything reserved for it is released',
    tag: 'applicant',
    roles,
    params: CaseIdParams,
    body: WithdrawBody,
    responses: {
      202: {
        description: 'Withdrawal accepted; reservations are being released',
        schema: z.object({ caseId: z.string(), status: z.literal('withdrawn') }),
      },
      409: { description: 'The case can no longer be withdrawn' },
    },
    handler: async ({ caller, params, body, req }) => ({
      status: 202,
      body: await withdrawCase(deps, { actor: caller, caseId: params.caseId, requestId: requestIdOf(req), ...body }),
    }),
  });

  return router;
}
