/**
 * Validation of a working-day calendar file (policy/calendar/<year>.json) before any deadline is
 * counted on it (issue 13, "The statutory clock"). Apart from working-days.ts so that zod never
 * enters the workflow bundle.
 *
 * Strict, because a wrong day here moves every deadline that crosses it: unknown keys, malformed
 * or impossible dates, a date outside the notice's reach, a day listed twice or as both a holiday
 * and a working day, and an empty year (holiday-cn publishes an empty placeholder for next year
 * before the notice is out; loaded, it would pass for a year without holidays) are all errors.
 */
import { z } from 'zod';
import { parseErrorMessage } from './points-policy.parse';
import type { CalendarYear } from './working-days';

const day = z.iso.date();

const calendarYearSchema = z
  .strictObject({
    year: z.int().min(1992).max(9998),
    sources: z
      .array(
        z.strictObject({
          title: z.string().min(1),
          number: z.string().min(1).optional(),
          dated: day,
          url: z.url({ protocol: /^https?$/ }),
        }),
      )
      .min(1, 'at least one notice'),
    days: z
      .array(z.strictObject({ name: z.string().min(1), date: day, isOffDay: z.boolean() }))
      .min(1, 'no days: a placeholder, not a notice'),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, boolean>();
    file.days.forEach((d, i) => {
      const year = Number(d.date.slice(0, 4));
      // A notice titled Y may start the New Year holiday in late December of Y−1 (2019, 2023).
      const inReach = year === file.year || (year === file.year - 1 && d.date.slice(5, 7) === '12');
      if (!inReach)
        ctx.addIssue({
          code: 'custom',
          path: ['days', i, 'date'],
          message: `${d.date} is outside ${file.year} (a ${file.year} notice reaches back to December ${file.year - 1} at most)`,
        });
      const before = seen.get(d.date);
      if (before !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['days', i, 'date'],
          message:
            before === d.isOffDay ? `${d.date} is listed twice` : `${d.date} is listed both as a day off and as a working day`,
        });
      seen.set(d.date, d.isOffDay);
    });
  });

// Compile-time proof that what the schema accepts is exactly a CalendarYear.
type Parsed = z.infer<typeof calendarYearSchema>;
const sameShape: [Parsed extends CalendarYear ? true : never, CalendarYear extends Parsed ? true : never] = [true, true];
void sameShape;

/**
 * The year file, typed; or an Error naming each bad field by its path, e.g.
 * `invalid calendar year 2026: days.3.date: 2026-02-16 is listed twice`.
 */
export function parseCalendarYear(json: unknown): CalendarYear {
  const result = calendarYearSchema.safeParse(json);
  if (result.success) return result.data;
  const year =
    typeof json === 'object' && json !== null && typeof (json as { year?: unknown }).year === 'number'
      ? ` ${(json as { year: number }).year}`
      : '';
  throw new Error(parseErrorMessage(`calendar year${year}`, {}, result.error));
}
