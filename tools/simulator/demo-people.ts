/**
 * Named demo personas: what the simulated department systems know about each of them. Tests,
 * demos and the seed refer to people by these names, never by raw ID numbers.
 *
 * The data is tools/simulator/people/demo.json (format and checks: people-file.ts); this module
 * loads it once and gives the names the code relies on their types, failing at import when the
 * file lacks one of them. ID numbers are real GB 11643-1999 numbers (Xi'an 6101xx area codes,
 * check digit computed), checked on load like an applicant's; odd sequence digits are men, even
 * ones women, as the standard says. Every name and employer is fictional.
 */
import type { Person } from '../../domain/vocabulary';
import { DEMO_PEOPLE_FILE, everyoneIn, PeopleFileError, readPeopleFile, type DemoPerson, type DemoPersona } from './people-file';

export type { DemoPerson, DemoPersona, DemoRecords } from './people-file';

/** The personas code and tests name (each summary in demo.json says what it is for). */
export const DEMO_PERSONA_NAMES = [
  'pointsHigh',
  'pointsLow',
  'criminal',
  'badCredit',
  'noHousing',
  'townOwner',
  'townPublicRental',
  'parentWithChildren',
  'identityMismatch',
  'unknownToPolice',
  /** The web pages' demo applicant: no case is submitted for her, so she can apply (account `newcomer`). */
  'newcomer',
  /** The web pages' demo family: no case is submitted for her; her daughter joins Beilin's kindergarten waiting list (account `family`). */
  'beilinFamily',
] as const;
export type DemoPersonaName = (typeof DEMO_PERSONA_NAMES)[number];

/** The family of parentWithChildren, by handle (also its `family`, in this order). */
export const DEMO_FAMILY_NAMES = ['spouse', 'kindergartner', 'pupil'] as const;
export type DemoFamilyName = (typeof DEMO_FAMILY_NAMES)[number];

const entries = readPeopleFile(DEMO_PEOPLE_FILE);

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new PeopleFileError(`${DEMO_PEOPLE_FILE}: ${what} is missing; tests and scripts use it by that name`);
  }
  return value;
}

const byHandle = new Map(entries.map((e) => [e.handle, e]));

export const DEMO_PEOPLE: Readonly<Record<DemoPersonaName, DemoPersona>> = Object.fromEntries(
  DEMO_PERSONA_NAMES.map((n) => [n, required(byHandle.get(n), `person "${n}"`).persona]),
) as Record<DemoPersonaName, DemoPersona>;

const parent = required(byHandle.get('parentWithChildren'), 'person "parentWithChildren"');
export const DEMO_FAMILY: Readonly<Record<DemoFamilyName, DemoPerson>> = Object.fromEntries(
  DEMO_FAMILY_NAMES.map((n) => [n, required(parent.family[n], `family member "${n}" of "parentWithChildren"`)]),
) as Record<DemoFamilyName, DemoPerson>;

/** Every demo person, applicants and their family members alike. */
export const ALL_DEMO_PEOPLE: readonly DemoPerson[] = everyoneIn(entries);

/** True when at least one department system holds a record for the person. */
export function isSeeded(person: DemoPerson): boolean {
  return Object.keys(person.records).length > 0;
}

/** The person as an application carries them (no department records). */
export function toPerson(person: DemoPerson): Person {
  const p: Person = { idNumber: person.idNumber, name: person.name, relation: person.relation };
  if (person.schoolLevel) p.schoolLevel = person.schoolLevel;
  return p;
}
