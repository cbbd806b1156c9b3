/**
 * Validation of a rounds file (policy/rounds/*.json). Apart from admission-rounds.ts so that zod
 * never enters the workflow bundle. Every district must have a quota in every round (a forgotten
 * district would otherwise read as "no places"), rounds may not overlap, and each lies in its year.
 */
import { z } from 'zod';
import type { RoundsFile } from './admission-rounds';
import { DISTRICTS } from './vocabulary';

const roundSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, "." and "-" only'),
  opensOn: z.iso.date(),
  closesOn: z.iso.date(),
  quota: z.record(z.enum(DISTRICTS), z.int().nonnegative()),
});

const roundsFileSchema = z
  .strictObject({
    version: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, "." and "-" only'),
    year: z.int().min(2000).max(2100),
    setBy: z.string().min(1),
    document: z.string().min(1).optional(),
    notes: z.array(z.string()).optional(),
    noticeWorkingDays: z.int().min(1).max(60),
    rounds: z.array(roundSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const sorted = [...file.rounds].sort((a, b) => (a.opensOn < b.opensOn ? -1 : 1));
    file.rounds.forEach((r, i) => {
      if (r.closesOn < r.opensOn) ctx.addIssue({ code: 'custom', path: ['rounds', i], message: 'closesOn is before opensOn' });
      if (!r.opensOn.startsWith(`${file.year}-`) || !r.closesOn.startsWith(`${file.year}-`))
        ctx.addIssue({ code: 'custom', path: ['rounds', i], message: `the round must lie in ${file.year}` });
    });
    if (sorted.some((r, i) => r !== file.rounds[i]))
      ctx.addIssue({ code: 'custom', path: ['rounds'], message: 'rounds must be listed in the order they open' });
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i]!.opensOn <= sorted[i - 1]!.closesOn)
        ctx.addIssue({ code: 'custom', path: ['rounds', i], message: `opens before round ${sorted[i - 1]!.id} closes` });
  });

type Parsed = z.infer<typeof roundsFileSchema>;
const sameShape: [Parsed extends RoundsFile ? true : never, RoundsFile extends Parsed ? true : never] = [true, true];
void sameShape;

/** The file, typed; or an Error naming each bad field by its path. */
export function parseRoundsFile(json: unknown, source: string): RoundsFile {
  const result = roundsFileSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  throw new Error(`invalid rounds file ${source}: ${problems.join('; ')}`);
}
