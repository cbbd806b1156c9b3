/** An education officer places a waiting child at a named school or kindergarten elsewhere in the area (§21). */
import type { SchoolPlacement } from '../../domain/case-state';
import { assignSchoolPlaceUpdate } from '../../workflows/settlement-case/messages';
import type { OfficerActor } from '../actor';
import { scopedCaseRef } from '../case-store';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { updateCase } from '../workflow-calls';

export interface AssignSchoolPlaceInput {
  actor: OfficerActor;
  caseId: string;
  /** The child, by its index in the application (applicant = 0). */
  personIndex: number;
  requestId: string;
  school: string;
  note?: string;
}

export async function assignSchoolPlace(deps: AppDeps, input: AssignSchoolPlaceInput): Promise<SchoolPlacement> {
  const { actor, caseId, personIndex, requestId, school, note } = input;
  if (actor.department !== 'education') throw new AppError('forbidden', 'wrong-department', 'Education officers only');
  await scopedCaseRef(deps, actor, caseId);
  return updateCase(deps, caseId, assignSchoolPlaceUpdate, {
    updateId: `place:${personIndex}:${requestId}`,
    args: [
      {
        requestId,
        officerId: actor.sub,
        officerDepartment: 'education',
        personIndex,
        school,
        ...(note ? { note } : {}),
      },
    ],
  });
}
