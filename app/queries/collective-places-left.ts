/**
 * How many community collective-household places (集体户, §16) are left in an area today: the
 * capacity file in force less the places held. For the housing officer's confirmation of a case
 * with no registrable residence of its own, whose approval reserves one (and, with none left, is
 * refused by the workflow). A forecast, not a reservation: another case may take or free a place
 * before the workflow reserves. Advice only: undefined when the capacity file does not load.
 */
import { isAreaCode } from '../../domain/vocabulary';
import type { AppDeps } from '../deps';
import { capacityUse } from './capacity-use';

export async function collectivePlacesLeft(deps: AppDeps, area: string, now = new Date()): Promise<number | undefined> {
  if (!isAreaCode(area)) return undefined;
  try {
    const pool = (await capacityUse(deps, { area }, now)).find((p) => p.kind === 'collective');
    return pool ? Math.max(0, pool.limit - pool.held) : undefined;
  } catch {
    return undefined;
  }
}
