/**
 * The request bodies of the admission-round actions (issue 13), declared once here so that the
 * web pages' forms validate exactly as the JSON API does (api/schemas/rounds.schema.ts).
 */
import { z } from 'zod';

/** A round id as the rounds files spell it (domain/admission-rounds.parse.ts). */
export const ROUND_ID = /^[a-z0-9][a-z0-9.-]{0,63}$/;
/** `<district>-<rank>`, domain/admission-rounds.ts. */
export const ENTRY_ID = /^[a-z]+-[1-9]\d{0,5}$/;
/** What app/commands/admission-rounds.ts derives from the objector and their key. */
export const OBJECTION_ID = /^[0-9a-f]{32}$/;
export const ROUND_TEXT_MAX = 500;

const Text = z.string().trim().min(1).max(ROUND_TEXT_MAX);

export const ObjectionInput = z
  .strictObject({
    entryId: z.string().regex(ENTRY_ID).meta({ description: 'The ranking entry objected to, e.g. `beilin-3`' }),
    reason: Text.meta({ description: 'Why: read by supervisors only, never published' }),
  })
  .meta({ id: 'ObjectionRequest' });

export const CloseRoundInput = z
  .strictObject({ reason: Text.meta({ description: "The supervisor's reason: the round's audit trail keeps it" }) })
  .meta({ id: 'CloseRoundRequest' });

export const RESOLUTION_OUTCOMES = ['upheld', 'dismissed'] as const;

export const ResolutionInput = z
  .strictObject({
    outcome: z
      .enum(RESOLUTION_OUTCOMES)
      .meta({ description: 'upheld: the entry is removed and the next in line admitted; dismissed: it stays' }),
    note: Text.meta({ description: "The supervisor's finding, kept in the round's audit trail" }),
  })
  .meta({ id: 'ObjectionResolution' });
