/** The admission-round routes' parameters; the bodies are the application layer's (app/commands/round-input.ts). */
import { z } from 'zod';
import { OBJECTION_ID, ROUND_ID } from '../../app/commands/round-input';

export {
  CloseRoundInput as CloseRoundBody,
  ObjectionInput as ObjectionBody,
  ResolutionInput as ResolutionBody,
} from '../../app/commands/round-input';

export const RoundIdParams = z.strictObject({ roundId: z.string().regex(ROUND_ID).meta({ example: '2026-1' }) });
export const ObjectionParams = RoundIdParams.extend({ objectionId: z.string().regex(OBJECTION_ID) });
