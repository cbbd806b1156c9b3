/** Shared request schemas: every query parameter is a scalar, every object is strict. */
import { z } from 'zod';
import { validateIdNumber } from '../../domain/id-number';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { DEPARTMENTS, DISTRICTS, TOWNS } from '../../domain/vocabulary';

// Letters (any script, incl. 生僻字 outside the BMP), marks, spaces, middle dots and hyphens;
// no control characters or markup.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M}\s·'’.-]*$/u;

/**
 * Policy: a name as the population register holds it. Letters of any script — including rare
 * characters (生僻字) outside the BMP such as 𠀾 or 䶮 — combining marks, spaces, the middle dot
 * of transliterated names (买买提·艾力), apostrophes, periods and hyphens. Refused with a 400:
 * digits, emoji, markup, control and bidirectional-override characters — no registered name
 * contains them, and a name the police identity check can never match only delays the case.
 */
export const PersonName = z.string().trim().min(1).max(50).regex(NAME, 'must be a personal name (letters only)').meta({
  example: '张志远',
  description:
    'Letters of any script, including rare characters (生僻字) outside the BMP, combining marks, spaces, middle dot, apostrophe, period, hyphen; no digits, emoji, markup or control characters.',
});

export const IdNumber = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const r = validateIdNumber(v, { today: shanghaiToday() });
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    return r.value;
  })
  .meta({
    description: 'Citizen ID number (GB 11643-1999): 18 characters, valid birth date, check digit',
    example: '11010519491231002X',
  });

export const CaseIdParams = z.strictObject({ caseId: z.uuid() });
export const CaseStepParams = z.strictObject({ caseId: z.uuid(), department: z.enum(DEPARTMENTS) });

/** A query value that must be one scalar (`?a=1&a=2` or `a[$ne]=x` is a 400, not an array or object). */
export const scalar = <T extends z.ZodType>(t: T) => t;

export const Limit = z.coerce.number().int().min(1).max(100).default(20);

/** A district (points route) or a town (town route): the area lists filter on. */
export const AreaQuery = z.enum([...DISTRICTS, ...TOWNS]);

export const CaseIdResponse = z
  .object({ caseId: z.uuid(), caseNumber: z.string(), status: z.string() })
  .meta({ id: 'CaseAccepted' });
