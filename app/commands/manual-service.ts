/**
 * Service by another channel (issue 14): a notice that could not be delivered (a decision
 * letter above all: its appeal periods run from receipt) is served by post or in person, and a
 * supervisor records it. That record is the proof of service: the notice becomes delivered at
 * the time served, and the case's audit says by whom and how. Only a failed notice can be
 * recorded so; recording the same service again changes nothing.
 */
import { z } from 'zod';
import { Instant } from '../views/instant';
import { MANUAL_SERVICE_METHODS, type ManualServiceMethod } from '../../domain/notice-delivery';
import { noticeModel } from '../../models/notice.model';
import { recordDelivery } from '../../models/notice-service';
import type { SupervisorActor } from '../actor';
import { existingCase } from '../case-store';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';

export const ManualServiceInput = z.object({
  method: z.enum(MANUAL_SERVICE_METHODS),
  /** When it was served (received); not in the future. */
  servedAt: z.iso.datetime({ offset: true }),
  /** E.g. the registered-post number, or who handed it over and where. */
  note: z.string().trim().min(1).max(500),
});

export const ManualServiceResult = z
  .object({
    noticeId: z.string(),
    status: z.literal('delivered'),
    deliveredAt: Instant,
    servedBy: z.enum(['email', 'sms', 'post', 'in_person']),
  })
  .meta({ id: 'ManualServiceResult' });
export type ManualServiceResult = z.infer<typeof ManualServiceResult>;

export async function recordManualService(
  deps: AppDeps,
  input: {
    actor: SupervisorActor;
    caseId: string;
    noticeId: string;
    method: ManualServiceMethod;
    servedAt: string;
    note: string;
  },
): Promise<ManualServiceResult> {
  await existingCase(deps, input.caseId);
  const notice = await noticeModel(deps.mongo).findOne({ _id: input.noticeId, caseId: input.caseId }).lean();
  if (!notice) throw new AppError('not_found', 'not-found', 'No such notice of this case');
  const servedAt = new Date(input.servedAt);
  if (servedAt.getTime() > Date.now() + 60_000)
    throw new AppError('invalid', 'validation-error', 'The time of service cannot be in the future', [
      { path: '/servedAt', message: 'in the future' },
    ]);
  const servedSo = notice.status === 'delivered' && notice.service?.method === input.method;
  if (notice.status !== 'failed' && !servedSo)
    throw new AppError('conflict', 'notice-not-failed', 'Only a notice that could not be delivered is served another way');
  const delivered = await recordDelivery(
    deps.mongo,
    notice._id,
    { at: servedAt, method: input.method, actor: { id: input.actor.sub, role: 'supervisor' }, note: input.note },
    ['failed'],
  );
  if (!delivered?.deliveredAt) throw new AppError('conflict', 'notice-not-failed', 'The notice is not failed any more');
  return {
    noticeId: delivered._id,
    status: 'delivered',
    deliveredAt: delivered.deliveredAt.toISOString(),
    servedBy: delivered.service?.method ?? input.method,
  };
}
