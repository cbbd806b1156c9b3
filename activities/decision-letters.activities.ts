/**
 * Document numbers (文号) for decision letters (行政许可法 第三十八条; domain/authorities.ts): a
 * rejection or termination letter names the department that issues it and a number unique per
 * department and year, e.g. 西公户不许字〔2026〕第000001号.
 *
 * Idempotent: the same case and letter kind always get the same number, however often the
 * activity is retried or raced (models/decision-number.model.ts). The number's year and prefix
 * come from the decision instant, not the clock, so a retry next January still numbers in the
 * year of the decision.
 */
import { indexesOnce } from '../models/indexes-once';
import { ApplicationFailure } from '@temporalio/common';
import type { Connection } from 'mongoose';
import {
  authoritiesAt,
  formatDocumentNumber,
  LETTER_KINDS,
  type Authorities,
  type IssueDecisionNumberInput,
} from '../domain/authorities';
import { shanghaiDay } from '../domain/shanghai-clock';
import { DEPARTMENTS } from '../domain/vocabulary';
import { claimNextInSequence } from '../models/counter.model';
import { decisionNumberModel, decisionNumberSequence } from '../models/decision-number.model';
import { isDuplicateKey } from '../models/duplicate-key';
import { allAuthorities } from '../policy/policy-files';

export type { IssueDecisionNumberInput } from '../domain/authorities';

export const INVALID_DECISION_NUMBER_REQUEST = 'InvalidDecisionNumberRequest';

/** A request no retry can fix: refused non-retryably, naming the field, never echoing values. */
function checkRequest(input: IssueDecisionNumberInput): void {
  const refuse = (field: string) =>
    ApplicationFailure.nonRetryable(`issueDecisionNumber: invalid ${field}`, INVALID_DECISION_NUMBER_REQUEST);
  if (typeof input.caseId !== 'string' || input.caseId.length === 0) throw refuse('caseId');
  if (!DEPARTMENTS.includes(input.department)) throw refuse('department');
  if (!LETTER_KINDS.includes(input.kind)) throw refuse('kind');
  if (typeof input.at !== 'string' || Number.isNaN(Date.parse(input.at))) throw refuse('at');
}

export interface DecisionLetterDeps {
  mongo: Connection;
  /**
   * Every authorities version. Default: policy/authorities/*.json as on disk when a number is
   * issued (a new version applies without a restart; each file parsed again only when it changed).
   */
  authorities?: readonly Authorities[];
  /** Where they are read when not given (AUTHORITIES_DIR); default policy/authorities. */
  authoritiesDir?: string;
}

export function createDecisionLetterActivities({ mongo, authorities: given, authoritiesDir }: DecisionLetterDeps) {
  const authorities = () => given ?? allAuthorities(authoritiesDir);
  // A refusal decided today must be numbered: with no authorities data in force, the activity
  // would be retried for ever and every ending case would wait on it. The worker does not start.
  authoritiesAt(authorities(), new Date().toISOString());
  const numbers = decisionNumberModel(mongo);
  // The unique index on documentNumber must exist before the first number is stored.
  const ready = indexesOnce(numbers);

  return {
    async issueDecisionNumber(input: IssueDecisionNumberInput): Promise<{ documentNumber: string }> {
      checkRequest(input);
      await ready();
      const _id = `${input.caseId}:${input.kind}`;
      const issued = await numbers.findById(_id).lean();
      if (issued) return { documentNumber: issued.documentNumber };

      const year = shanghaiDay(input.at).slice(0, 4);
      const data = authoritiesAt(authorities(), input.at);
      const sequence = decisionNumberSequence(input.department, year);
      const seq = await claimNextInSequence(mongo, sequence, (n) => `${sequence}:${n}`);
      const documentNumber = formatDocumentNumber(data.departments[input.department].documentPrefix[input.kind], year, seq);
      try {
        await numbers.create({
          _id,
          caseId: input.caseId,
          kind: input.kind,
          department: input.department,
          year,
          seq,
          documentNumber,
          authoritiesVersion: data.version,
          decidedAt: input.at,
          issuedAt: new Date(),
        });
        return { documentNumber };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // A concurrent attempt for the same case and kind stored its number first: that one
        // stands, and the number claimed here stays a gap.
        const winner = await numbers.findById(_id).lean();
        if (!winner) throw err;
        return { documentNumber: winner.documentNumber };
      }
    },
  };
}
