/**
 * An instant as the API answers it: an ISO 8601 date-time in UTC (`2026-12-06T08:30:00.000Z`),
 * documented as `format: date-time` so that a client's generator makes it a date, not a string.
 * Answers are not parsed with it, so it stays the plain string the views build.
 */
import { z } from 'zod';

export const Instant = z.string().meta({ format: 'date-time' });
