/** Officer routes: the department inbox, the department-scoped case view, claims and releases, and decisions. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { assignSchoolPlace } from '../../app/commands/assign-school-place';
import { claimStep } from '../../app/commands/claim-step';
import { decideStep } from '../../app/commands/decide-step';
import { recordCounterSupplement } from '../../app/commands/counter-supplement';
import { CounterSupplementInput } from '../../app/commands/application-input';
import { releaseStep } from '../../app/commands/release-step';
import { InboxItem, OPEN_STEP_STATUSES, officerInbox } from '../../app/queries/officer-inbox';
import { schoolWaitingList, WaitingChild } from '../../app/queries/school-waiting-list';
import { viewCaseAsOfficer } from '../../app/queries/view-case';
import { OfficerCaseView } from '../../app/views/case-views';
import {
  decisionProblems,
  INTERNAL_NOTE_MAX,
  NOTICE_TEXT_MAX,
  PLACEMENT_NOTE_MAX,
  SUPPLEMENT_MAX_ITEMS,
} from '../../domain/case-rules';
import { REJECTION_REASONS } from '../../domain/codes';
import { DECISION_KINDS } from '../../workflows/settlement-case/messages';
import { ROUTES } from '../../domain/vocabulary';
import type { ApiDeps } from '../deps';
import { recordAccess } from '../../app/access-records/record-access';
import type { OfficerActor } from '../../app/actor';
import type { AccessContext } from '../../app/access-records/record-access';
import { accessOf, PurposeHeader } from '../http/access-context';
import { IdempotencyKeyHeader, requestIdOf } from '../http/request-id';
import { addRoute } from '../http/route';
import type { Metrics } from '../metrics';
import { AreaQuery, CaseIdParams, CaseStepParams, Limit } from '../schemas/common';

export const DecisionBody = z
  .strictObject({
    decision: z.enum(DECISION_KINDS),
    reasonCode: z.enum(REJECTION_REASONS).optional().meta({
      description:
        'Must apply to the case’s route and your department (e.g. a criminal record is no reason on the town route, §1; education never refuses a town case, §21–23), otherwise 400; and to the case’s facts, otherwise 422 `invalid-decision`: incomplete_material only after your department has asked for the material on this step (一次性告知), no_legal_residence never on a collective-household case (§16) unless housing found the home in another area',
    }),
    /** Goes into the applicant's rejection notice, whose template takes at most NOTICE_TEXT_MAX characters. */
    reasonText: z.string().trim().min(1).max(NOTICE_TEXT_MAX).optional().meta({
      description:
        'Quoted in the decision letter. Required with reasonCode `other` (400 otherwise), and with `no_legal_residence` where housing found the applicant’s home in another area (422 `invalid-decision` otherwise): say where it is, as the standard wording alone would say they have none',
    }),
    // None at all is the workflow's rule (below), said once; the limits are the schema's, in its words.
    missing: z
      .array(z.string().trim().min(1).max(NOTICE_TEXT_MAX))
      .max(SUPPLEMENT_MAX_ITEMS, { error: `list at most ${SUPPLEMENT_MAX_ITEMS} missing items` })
      .optional()
      .meta({
        description: `一次性告知: everything missing, listed at once (at least one item); a department asks once unless a supervisor authorises another round`,
      }),
    internalNote: z
      .string()
      .trim()
      .min(1)
      .max(INTERNAL_NOTE_MAX)
      .optional()
      .meta({ description: 'Officer-internal; never shown to the applicant' }),
  })
  // The workflow's own rules (domain/case-rules.ts), so a client hears of a bad field here; the
  // text limits are the schema's own (the same constants), so they are not reported twice.
  .superRefine((d, ctx) => {
    for (const p of decisionProblems(d, { lengths: false }))
      ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
    // A field of another kind of decision is a client's mistake, said rather than stored (an
    // approval kept a reason code it was sent; the pages send only the decision's own fields).
    if (d.decision !== 'reject' && d.reasonCode !== undefined)
      ctx.addIssue({ code: 'custom', path: ['reasonCode'], message: 'only a rejection has a reason code' });
    if (d.decision !== 'reject' && d.reasonText !== undefined)
      ctx.addIssue({ code: 'custom', path: ['reasonText'], message: 'only a rejection has a reason text' });
    if (d.decision !== 'request_supplement' && d.missing !== undefined)
      ctx.addIssue({ code: 'custom', path: ['missing'], message: 'only a request for material lists what is missing' });
  })
  .meta({ id: 'Decision' });

/** Claim or release: nothing to say but, optionally, why (officer-internal, kept in the audit trail). */
const HoldBody = z
  .strictObject({ note: z.string().trim().min(1).max(500).optional() })
  .meta({ id: 'StepHold', description: 'Send `{}`, or a note saying why' });

export function officerRouter(deps: ApiDeps, registry: OpenAPIRegistry, metrics: Metrics): Router {
  const router = Router();
  const roles = ['officer' as const];
  /**
   * A step's answer shows its findings (the department's lookup of each person): a read of
   * personal data like opening the case, so it is recorded as one. (The pages show no answer:
   * they open the case again, which records itself.)
   */
  const shown = async <T>(access: AccessContext, actor: OfficerActor, caseId: string, step: T): Promise<T> => {
    await recordAccess(deps, { actor, view: 'officer_case', caseIds: [caseId], access });
    return step;
  };

  addRoute(router, registry, {
    method: 'get',
    path: '/officer/inbox',
    summary:
      "Your department's open steps: those awaiting your decision first, then the rest, each soonest due first (due alike: first submitted first)",
    tag: 'officer',
    roles,
    query: z.strictObject({
      status: z.enum(OPEN_STEP_STATUSES).optional(),
      route: z.enum(ROUTES).optional(),
      area: AreaQuery.optional(),
      overdue: z.enum(['true', 'false']).optional(),
      assignedTo: z
        .enum(['me', 'nobody'])
        .optional()
        .meta({ description: 'Only the steps you hold (`me`), or only those nobody holds (`nobody`)' }),
      limit: Limit,
      cursor: z.string().max(200).optional(),
    }),
    responses: {
      200: {
        description: 'A page of the inbox',
        schema: z.object({
          items: z.array(InboxItem),
          nextCursor: z.string().optional(),
          total: z.number().int().meta({ description: 'Steps matching the filters, on every page' }),
          awaitingDecision: z
            .number()
            .int()
            .meta({ description: 'Of those, awaiting a decision (listed first): what is left to decide' }),
        }),
      },
    },
    headers: PurposeHeader,
    handler: async ({ caller, query, req }) => ({
      status: 200,
      body: await officerInbox(deps, {
        ...query,
        actor: caller,
        access: accessOf(req),
        overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
      }),
    }),
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/officer/cases/:caseId',
    summary: "A case as your department needs it: your step in full, others' status only",
    tag: 'officer',
    roles,
    params: CaseIdParams,
    headers: PurposeHeader,
    responses: { 200: { description: 'The case, scoped to your department', schema: OfficerCaseView } },
    handler: async ({ caller, params, req }) => ({
      status: 200,
      body: await viewCaseAsOfficer(deps, { actor: caller, caseId: params.caseId, access: accessOf(req) }),
    }),
  });

  for (const kind of ['claim', 'release'] as const) {
    addRoute(router, registry, {
      method: 'post',
      path: `/officer/cases/:caseId/steps/:department/${kind}`,
      headers: IdempotencyKeyHeader.extend(PurposeHeader.shape),
      summary:
        kind === 'claim'
          ? 'Claim your department’s step: it shows you hold it, and no other officer decides it until you release it (or a supervisor reassigns it)'
          : 'Release a step you hold: any officer of your department may claim or decide it again',
      tag: 'officer',
      roles,
      params: CaseStepParams,
      body: HoldBody,
      responses: {
        200: { description: 'The new state of the step', schema: z.object({ step: OfficerCaseView.shape.step }) },
        409: {
          description:
            kind === 'claim'
              ? 'Another officer holds the step (`step-held-by-other`, naming them in `holder`), the step no longer needs your department, or the case has ended'
              : 'Another officer holds the step (`step-held-by-other`, naming them in `holder`), nobody holds it (`step-not-held`), the step no longer needs your department, or the case has ended',
        },
      },
      handler: async ({ caller, params, body, req }) => {
        // The purpose is read (and a bad one refused) before anything is done, not after.
        const access = accessOf(req);
        const input = { actor: caller, ...params, requestId: requestIdOf(req), ...body };
        const step = kind === 'claim' ? await claimStep(deps, input) : await releaseStep(deps, input);
        return { status: 200, body: { step: await shown(access, caller, params.caseId, step) } };
      },
    });
  }

  addRoute(router, registry, {
    method: 'post',
    path: '/officer/cases/:caseId/steps/:department/decision',
    headers: IdempotencyKeyHeader.extend(PurposeHeader.shape),
    summary: 'Decide your department’s step: approve, reject (with reason) or request supplementary material',
    tag: 'officer',
    roles,
    params: CaseStepParams,
    body: DecisionBody,
    responses: {
      200: { description: 'The new state of the step', schema: z.object({ step: OfficerCaseView.shape.step }) },
      409: {
        description:
          'The step is not awaiting a decision (e.g. another officer decided first), or another officer holds it (`step-held-by-other`, naming them in `holder`)',
      },
      422: {
        description:
          'The decision is incomplete, or the case’s facts rule its reason out (`invalid-decision`: incomplete_material before a supplement request on this step, no_legal_residence on a collective-household case)',
      },
    },
    handler: async ({ caller, params, body, req }) => {
      const access = accessOf(req);
      const step = await decideStep(deps, { actor: caller, ...params, requestId: requestIdOf(req), ...body });
      metrics.decisions.inc({ department: caller.department, decision: body.decision });
      return { status: 200, body: { step: await shown(access, caller, params.caseId, step) } };
    },
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/officer/cases/:caseId/steps/:department/counter-supplement',
    headers: IdempotencyKeyHeader.extend(PurposeHeader.shape),
    summary:
      'Record supplementary material the applicant handed in at your department’s counter (补正, as the supplement letter offers): the step comes back to your department as after an online answer',
    tag: 'officer',
    roles,
    params: CaseStepParams,
    body: CounterSupplementInput,
    responses: {
      200: { description: 'The new state of the step', schema: z.object({ step: OfficerCaseView.shape.step }) },
      409: { description: 'No supplement is awaited on this step (`no-supplement-awaited`), or the case has ended' },
    },
    handler: async ({ caller, params, body, req }) => {
      const access = accessOf(req);
      const step = await recordCounterSupplement(deps, { actor: caller, ...params, requestId: requestIdOf(req), ...body });
      return { status: 200, body: { step: await shown(access, caller, params.caseId, step) } };
    },
  });

  addRoute(router, registry, {
    method: 'get',
    path: '/officer/school-waitlist',
    summary: 'Education: children waiting for a kindergarten / school place in your areas (§21–23), longest waiting first',
    tag: 'officer',
    roles,
    query: z.strictObject({ area: AreaQuery.optional() }),
    responses: { 200: { description: 'Waiting children', schema: z.object({ items: z.array(WaitingChild) }) } },
    headers: PurposeHeader,
    handler: async ({ caller, query, req }) => ({
      status: 200,
      body: { items: await schoolWaitingList(deps, { actor: caller, ...query, access: accessOf(req) }) },
    }),
  });

  addRoute(router, registry, {
    method: 'post',
    path: '/officer/cases/:caseId/children/:personIndex/school-place',
    headers: IdempotencyKeyHeader,
    summary: 'Education: place a waiting child at a named school or kindergarten elsewhere in the area (§21)',
    tag: 'officer',
    roles,
    params: z.strictObject({ caseId: CaseIdParams.shape.caseId, personIndex: z.coerce.number().int().min(1).max(20) }),
    body: z.strictObject({
      school: z.string().trim().min(1).max(100).meta({
        description:
          "Where the capacity file in force lists the area's schools for the child's level (`schools`), one of them, else 400 naming /school; otherwise any name",
      }),
      note: z.string().trim().min(1).max(PLACEMENT_NOTE_MAX).optional().meta({
        description:
          'Why: required when a child of the same area and level has waited longer (places go longest waiting first); kept in the case record, not shown to the family',
      }),
    }),
    responses: {
      200: { description: 'The child’s place', schema: z.object({ placement: z.record(z.string(), z.unknown()) }) },
      409: { description: 'The child is not waiting for a place' },
      422: { description: 'Children of the same area and level have waited longer: `note` says why this one goes first' },
    },
    handler: async ({ caller, params, body, req }) => ({
      status: 200,
      body: { placement: await assignSchoolPlace(deps, { actor: caller, ...params, requestId: requestIdOf(req), ...body }) },
    }),
  });

  return router;
}
