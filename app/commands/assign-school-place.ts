/** An education officer places a waiting child at a named school or kindergarten elsewhere in the area (§21). */
import type { SchoolPlacement } from '../../domain/case-state';
import { assignSchoolPlaceUpdate } from '../../workflows/settlement-case/messages';
import type { OfficerActor } from '../actor';
import { scopedCase } from '../case-store';
import { caseArea } from '../officer-scope';
import { schoolListsToday } from '../school-lists';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { updateCase } from '../workflow-calls';
import { personAt } from '../../domain/vocabulary';
import { waitingAhead } from '../queries/school-waiting-list';

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
  const c = await scopedCase(deps, actor, caseId);
  // A school the city listed for the child's area and level, when it lists them: a misspelt name
  // would reach the education register and the family's letter. The level is the placement's, or
  // (the read model behind the workflow) the one the application gave, which its reservation used.
  const level =
    c.schoolPlacements?.find((p) => p.personIndex === personIndex)?.level ?? personAt(c.application, personIndex)?.schoolLevel;
  const area = caseArea(c);
  const schools = area && level ? schoolListsToday(deps)(area, level) : undefined;
  if (schools && !schools.includes(school))
    throw new AppError('invalid', 'validation-error', 'The request body is invalid', [
      { path: '/school', message: `not one of the schools listed for this child's area and level: ${schools.join(', ')}` },
    ]);
  // §21–23: places go longest waiting first. A child placed before others of the area and level
  // who have waited longer is placed with a note saying why (kept in the case record), whichever door.
  const waiting = c.schoolPlacements?.find((p) => p.personIndex === personIndex && p.status === 'waiting');
  if (waiting && area && !note) {
    const ahead = await waitingAhead(deps, { caseId, area, level: waiting.level, waitingSince: waiting.waitingSince });
    if (ahead.length > 0)
      throw new AppError(
        'unprocessable',
        'placement-out-of-turn',
        `${ahead.length} child(ren) of the same area and level have waited longer (the longest: case ${ahead[0]!.caseNumber}): say why in a note`,
        [{ path: '/note', message: 'required when a child who has waited longer is passed over' }],
      );
  }
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
