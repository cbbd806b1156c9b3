/**
 * HR's completion callback for a social-insurance transfer (§25, issue 14), relayed to the case:
 * the signature proves it came from HR's system (HMAC-SHA256 of the raw body under the shared
 * secret, compared in constant time); the case's workflow then learns it by a Signal, and
 * ignores a completion that names another record than its own. A second delivery of the same
 * callback is harmless (the case takes the first).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TransferCompletion } from '../../domain/registers';
import { settlementCaseWorkflowId, socialInsuranceTransferCompletedSignal } from '../../workflows/settlement-case/messages';
import { validCallbackSignature } from '../callback-signature';
import type { AppDeps } from '../deps';
import { shanghaiInstant } from '../../domain/shanghai-clock';
import { AppError, noSuchCase } from '../errors';
import { withTemporalDeadline } from '../workflow-calls';

export async function relayTransferCompletion(
  deps: AppDeps,
  input: { rawBody: Buffer | undefined; signature: string | undefined; completion: TransferCompletion },
): Promise<void> {
  const secret = deps.config.REGISTER_CALLBACK_SECRET;
  if (!secret)
    throw new AppError(
      'unauthenticated',
      'callbacks-disabled',
      'Register callbacks are not configured (REGISTER_CALLBACK_SECRET)',
    );
  if (!validCallbackSignature(secret, input.rawBody, input.signature))
    throw new AppError('unauthenticated', 'bad-signature', 'The callback signature does not match');
  const { caseId, recordId } = input.completion;
  // As the register's own answers are read (registers.client.ts): a time without a zone is Beijing's.
  const at = shanghaiInstant(input.completion.completedAt);
  if (!at)
    throw new AppError('invalid', 'validation-error', 'completedAt is not a date-time', [
      { path: '/completedAt', message: 'a date-time: ISO 8601 with its offset, or Beijing time without one' },
    ]);
  const completedAt = at.toISOString();
  try {
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow
        .getHandle(settlementCaseWorkflowId(caseId))
        .signal(socialInsuranceTransferCompletedSignal, { recordId, completedAt }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw noSuchCase();
    throw err;
  }
}
