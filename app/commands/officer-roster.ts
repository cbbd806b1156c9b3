/**
 * The officer roster from the identity provider (app/officer-directory.ts learns officers as they
 * sign in; this tells it of the rest). A city's provider is the source of truth for who its
 * officers are: a sync job exports them and puts the list here, so a new officer can be handed a
 * step before their first sign-in, and one who has left is no longer offered. `npm start` puts
 * the embedded provider's accounts here for the same reason.
 *
 * The whole list each time (PUT): an officer missing from it is removed from the directory. One
 * who still holds a valid token reappears with their next call, as the provider still vouches for
 * them; the list is what the provider exports, not a second access control.
 */
import { trusted } from 'mongoose';
import { z } from 'zod';
import { DEPARTMENTS } from '../../domain/vocabulary';
import { officerModel } from '../../models/officer.model';
import type { Actor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { forgetWrittenOfficers } from '../officer-directory';
import { CITY_JURISDICTION, SCOPE_AREAS } from '../officer-scope';

/** Larger than any city's officer count: one request holds the whole roster. */
export const ROSTER_MAX_OFFICERS = 5000;

export const RosterOfficer = z
  .strictObject({
    sub: z.string().trim().min(1).max(128).meta({ description: "The provider's subject: what tokens carry as `sub`" }),
    name: z.string().trim().min(1).max(100).optional().meta({ description: 'The name pages show, e.g. 赵警官' }),
    department: z.enum(DEPARTMENTS),
    district: z
      .array(z.enum(SCOPE_AREAS))
      .min(1)
      .optional()
      .meta({ description: 'The areas the officer acts for, as the token claim; or give jurisdiction' }),
    jurisdiction: z.literal(CITY_JURISDICTION).optional().meta({ description: 'City-wide (市局); or give district' }),
  })
  .refine((o) => (o.district === undefined) !== (o.jurisdiction === undefined), {
    message: 'give exactly one of district (area codes) or jurisdiction: "city", as the token would',
    path: ['district'],
  })
  .meta({ id: 'RosterOfficer' });
export type RosterOfficer = z.infer<typeof RosterOfficer>;

export const OfficerRoster = z
  .strictObject({
    officers: z
      .array(RosterOfficer)
      .max(ROSTER_MAX_OFFICERS)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((o, i) => {
          if (seen.has(o.sub)) ctx.addIssue({ code: 'custom', path: [i, 'sub'], message: `officer ${o.sub} is listed twice` });
          seen.add(o.sub);
        });
      }),
  })
  .meta({ id: 'OfficerRoster' });
export type OfficerRoster = z.infer<typeof OfficerRoster>;

export interface RosterResult {
  /** Officers in the list (each written). */
  listed: number;
  /** Officers the directory knew that the list no longer holds. */
  removed: number;
}

/** Only an operator (the provider's sync job) replaces the roster. */
function assertOperator(actor: Actor): void {
  if (actor.role !== 'operator') throw new AppError('forbidden', 'forbidden', 'Only an operator replaces the officer roster');
}

/**
 * Makes the directory hold exactly these officers. Idempotent: the same list twice leaves the
 * same directory. Names the roster omits are kept from a sign-in.
 */
export async function replaceOfficerRoster(
  deps: Pick<AppDeps, 'mongo'>,
  { actor, roster }: { actor: Actor; roster: OfficerRoster },
): Promise<RosterResult> {
  assertOperator(actor);
  const officers = officerModel(deps.mongo);
  const now = new Date();
  if (roster.officers.length > 0) {
    await officers.bulkWrite(
      roster.officers.map((o) => ({
        updateOne: {
          filter: { _id: o.sub },
          update: {
            $set: {
              department: o.department,
              jurisdiction: o.jurisdiction === CITY_JURISDICTION ? 'city' : 'areas',
              areas: o.district ?? [],
              listedAt: now,
              ...(o.name ? { name: o.name } : {}),
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  // sanitizeFilter is on (models/connection.ts): an operator we wrote ourselves is trusted.
  const { deletedCount } = await officers.deleteMany({ _id: trusted({ $nin: roster.officers.map((o) => o.sub) }) });
  // A removed officer's next verified call must write them again, not wait out this process's hour.
  forgetWrittenOfficers();
  return { listed: roster.officers.length, removed: deletedCount };
}
