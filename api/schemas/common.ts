/** Shared request schemas: every query parameter is a scalar, every object is strict. */
import { z } from 'zod';
import { DEPARTMENTS, DISTRICTS, TOWNS } from '../../domain/vocabulary';

/** Declared with the application input, which the web pages share (app/commands/application-input.ts). */
export { IdNumber, PersonName } from '../../app/commands/application-input';

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
