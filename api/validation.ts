/** Request validation with zod: a failure is a 400 problem naming the path of each bad field. */
import type { z } from 'zod';
import { HttpProblem, type InvalidParam } from './problem';

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const invalidParams: InvalidParam[] = result.error.issues.map((issue) => ({
    path: `/${issue.path.map(String).join('/')}`,
    message: issue.message,
  }));
  throw new HttpProblem(400, 'validation-error', `The request ${where} is invalid`, { invalidParams });
}
