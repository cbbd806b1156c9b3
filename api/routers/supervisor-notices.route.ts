/**
 * A case's notices for supervisors and service by another channel (issue 14): GET lists every
 * notice of the case with its delivery state, attempts and last error; POST …/service records
 * that a notice which could not be delivered was served by post or in person (the proof of
 * service for a decision letter whose appeal periods run from receipt); GET …/letter gives the
 * full letter of a notice to the applicant, to print and serve that way.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Router } from 'express';
import { z } from 'zod';
import { Instant } from '../../app/views/instant';
import { ManualServiceInput, ManualServiceResult, recordManualService } from '../../app/commands/manual-service';
import { caseNoticesForSupervisor, noticeLetterForSupervisor } from '../../app/queries/case-notices';
import { NOTICE_STATUSES, SERVICE_METHODS } from '../../domain/notice-delivery';
import type { ApiDeps } from '../deps';
import { accessOf, PurposeHeader } from '../http/access-context';
import { addRoute } from '../http/route';

const NoticeIdParams = z.strictObject({ caseId: z.uuid(), noticeId: z.string().min(1).max(300) });

const SupervisorNotice = z
  .object({
    noticeId: z.string(),
    event: z.string(),
    channel: z.string(),
    recipient: z.string(),
    department: z.string().optional(),
    subject: z.string(),
    status: z.enum(NOTICE_STATUSES),
    createdAt: Instant,
    attempts: z.number().int().optional(),
    lastError: z.string().optional(),
    deliveredAt: Instant.optional(),
    servedBy: z.enum(SERVICE_METHODS).optional(),
    hasLetter: z.boolean().meta({ description: 'A full letter to print and serve exists: GET …/notices/{noticeId}/letter' }),
  })
  .meta({ id: 'SupervisorNotice' });

const NoticeLetter = z
  .object({
    noticeId: z.string(),
    caseNumber: z.string(),
    event: z.string(),
    channel: z.string(),
    locale: z.string(),
    subject: z.string(),
    status: z.enum(NOTICE_STATUSES),
    letter: z.string(),
  })
  .meta({ id: 'NoticeLetter' });

export function addSupervisorNoticeRoutes(router: Router, registry: OpenAPIRegistry, deps: ApiDeps): void {
  const roles = ['supervisor' as const];
  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId/notices',
    summary: 'Every notice of a case with its delivery state: attempts, last error, delivered time and how it was served',
    tag: 'supervisor',
    roles,
    params: z.strictObject({ caseId: z.uuid() }),
    headers: PurposeHeader,
    responses: { 200: { description: 'The notices, oldest first', schema: z.object({ items: z.array(SupervisorNotice) }) } },
    handler: async ({ caller, params, req }) => ({
      status: 200,
      body: { items: await caseNoticesForSupervisor(deps, { actor: caller, caseId: params.caseId, access: accessOf(req) }) },
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/supervisor/cases/:caseId/notices/:noticeId/service',
    summary: 'Record that a notice that could not be delivered was served by post or in person (proof of service)',
    tag: 'supervisor',
    roles,
    params: NoticeIdParams,
    body: ManualServiceInput,
    responses: {
      200: { description: 'The notice, delivered', schema: ManualServiceResult },
      409: { description: 'The notice is not one that failed' },
    },
    handler: async ({ caller, params, body }) => ({
      status: 200,
      body: await recordManualService(deps, { actor: caller, ...params, ...body }),
    }),
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/supervisor/cases/:caseId/notices/:noticeId/letter',
    summary:
      'The full letter of a notice to the applicant (an email’s, or the one an SMS points to), to print and serve by post or in person; the read is recorded (`notice_letter`)',
    tag: 'supervisor',
    roles,
    params: NoticeIdParams,
    headers: PurposeHeader,
    responses: {
      200: { description: 'The letter as rendered (HTML, its data escaped by the templates)', schema: NoticeLetter },
      404: { description: 'No such case, or no letter to the applicant with this id in it (staff notices have none)' },
    },
    handler: async ({ caller, params, req }) => ({
      status: 200,
      body: await noticeLetterForSupervisor(deps, { actor: caller, ...params, access: accessOf(req) }),
    }),
  });
}
