/** An education officer places a waiting child at a named school or kindergarten elsewhere in the area (§21). */
import type { Area } from '../../domain/capacity';
import { schoolsOf } from '../../domain/capacity';
import type { SchoolPlacement } from '../../domain/case-state';
import type { SchoolLevel } from '../../domain/vocabulary';
import { shanghaiDayOf } from '../../domain/working-days';
import { caseModel } from '../../models/case.model';
import { capacityTableOn } from '../../policy/capacity-files';
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

/**
 * The schools the child may be placed at, when the capacity file in force lists them for its area
 * and level (domain/capacity.ts `schools`); undefined when any named school may be given.
 */
export async function schoolsForChild(
  deps: AppDeps,
  input: { caseId: string; personIndex: number; area?: string; level?: string },
): Promise<readonly string[] | undefined> {
  let { area, level } = input;
  if (!area || !level) {
    const doc = await caseModel(deps.mongo).findById(input.caseId).select({ area: 1, schoolPlacements: 1 }).lean();
    const placement = doc?.schoolPlacements?.find((p) => p.personIndex === input.personIndex);
    area = doc?.area;
    level = placement?.level;
  }
  // Not on the list (yet) as far as the read model knows: the workflow answers whether it waits.
  if (!area || !level) return undefined;
  const table = capacityTableOn(shanghaiDayOf(new Date().toISOString()), deps.config.CAPACITY_DIR);
  return schoolsOf(table, area as Area, level as SchoolLevel);
}

export async function assignSchoolPlace(deps: AppDeps, input: AssignSchoolPlaceInput): Promise<SchoolPlacement> {
  const { actor, caseId, personIndex, requestId, school, note } = input;
  if (actor.department !== 'education') throw new AppError('forbidden', 'wrong-department', 'Education officers only');
  await scopedCaseRef(deps, actor, caseId);
  // A school the city listed for the child's area and level, when it lists them: a misspelt name
  // would reach the education register and the family's letter.
  const schools = await schoolsForChild(deps, { caseId, personIndex });
  if (schools && !schools.includes(school))
    throw new AppError('invalid', 'validation-error', 'The request body is invalid', [
      { path: '/school', message: `not one of the schools listed for this child's area and level: ${schools.join(', ')}` },
    ]);
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
