/**
 * The people the simulated department systems know (§8–9), as data: JSON files in
 * tools/simulator/people/ (demo.json ships the named demo personas; any other *.json there is
 * loaded too) plus the files or folders named in SIMULATOR_PEOPLE. A user adds a person with
 * chosen records by writing one more file, no code.
 *
 * Every file is validated before anything is seeded; an error names the file, the person (by
 * handle and name) and the field, e.g.
 *   people/mine.json: person "alice" (艾丽丝): idNumber: The check character … does not match …
 * ID numbers and names follow exactly the rules an application must meet (api/schemas/common.ts),
 * so every person in a file can apply.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { IdNumber, PersonName } from '../../api/schemas/common';
import { MAX_FAMILY_MEMBERS } from '../../api/schemas/application.schema';
import {
  EDUCATION_LEVELS,
  PROFESSIONAL_TITLES,
  RESIDENCE_KINDS,
  VOCATIONAL_SKILLS,
  type EducationCheck,
  type HousingCheck,
  type HrssCheck,
  type PoliceCheck,
} from '../../domain/department-checks';
import { DISTRICTS, SCHOOL_LEVELS, TOWNS, type District, type Person, type Route, type Town } from '../../domain/vocabulary';
import { SIMULATOR_AREAS, type SimulatorArea } from './records.model';

/** The folder `npm start` always loads: demo.json and any other *.json dropped next to it. */
export const PEOPLE_DIR = join(__dirname, 'people');
/** The demo personas the tests, scripts and benchmarks use by name. */
export const DEMO_PEOPLE_FILE = join(PEOPLE_DIR, 'demo.json');
/** The JSON Schema of a people file, for editors (`"$schema": "../people.schema.json"`); made from PeopleFileSchema. */
export const PEOPLE_JSON_SCHEMA_FILE = join(__dirname, 'people.schema.json');

/** What each department's system holds; an absent department answers 404 for the person. */
export interface DemoRecords {
  police?: Omit<PoliceCheck, 'department'>;
  hrss?: Omit<HrssCheck, 'department'>;
  housing?: Omit<HousingCheck, 'department' | 'addressArea'> & { addressArea?: SimulatorArea };
  /** placesAvailable is per area, not per person: it comes from the school capacity data. */
  education?: Omit<EducationCheck, 'department' | 'placesAvailable'>;
}

export interface DemoPerson extends Person {
  /** What the person is for (documentation only). */
  summary?: string;
  records: DemoRecords;
}

export interface DemoPersona extends DemoPerson {
  summary: string;
  /** The application this persona is meant to file. */
  target: { route: Route; district?: District; town?: Town };
  /** Co-residing family members who settle with the applicant (§1). */
  family: readonly DemoPerson[];
}

/** One applicant of a people file, with their family members by handle. */
export interface PeopleEntry {
  /** The key of the person in the file, e.g. "pointsHigh". */
  handle: string;
  /** The file it came from. */
  source: string;
  persona: DemoPersona;
  /** The same objects as `persona.family`, by their handle in the file. */
  family: Readonly<Record<string, DemoPerson>>;
}

export class PeopleFileError extends Error {
  override name = 'PeopleFileError';
}

// ---- the file format --------------------------------------------------------------------------

// The same limits as the simulator's stored records (records.model.ts).
const years = z.number().min(0).max(100);
const organisation = z.string().trim().min(1).max(200);

const PoliceRecord = z.strictObject({
  identityMatches: z.boolean().meta({ description: 'the population database confirms the identity (§8)' }),
  criminalRecord: z.boolean(),
  creditGood: z.boolean().meta({ description: 'personal credit record in good standing (§2)' }),
  continuousResidenceYears: years.meta({ description: 'years of continuous residence (§5, §7)' }),
  registeredBy: organisation.optional().meta({ description: 'landlord or employer named on the residence registration (§5)' }),
});

const HrssRecord = z.strictObject({
  employed: z.boolean(),
  employer: organisation.optional(),
  socialInsuranceYears: years,
  professionalTitle: z.enum(PROFESSIONAL_TITLES),
  vocationalSkill: z.enum(VOCATIONAL_SKILLS),
});

const HousingRecord = z.strictObject({
  residence: z.enum(RESIDENCE_KINDS).meta({ description: "'none' sends a case to a collective household (§16)" }),
  addressArea: z.enum(SIMULATOR_AREAS).optional(),
});

const EducationRecord = z.strictObject({ educationLevel: z.enum(EDUCATION_LEVELS) });

const Records = z
  .strictObject({
    police: PoliceRecord.optional(),
    hrss: HrssRecord.optional(),
    housing: HousingRecord.optional(),
    education: EducationRecord.optional(),
  })
  .meta({
    description: 'What each department system holds; a department left out answers 404 for the person. {} = unknown everywhere.',
  });

const Handle = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a handle is letters, digits, "_" and "-", starting with a letter');

const FamilyMember = z
  .strictObject({
    idNumber: IdNumber,
    name: PersonName,
    summary: z.string().min(1).optional(),
    relation: z.enum(['spouse', 'child', 'parent', 'other']),
    schoolLevel: z
      .enum(SCHOOL_LEVELS)
      .optional()
      .meta({ description: 'a child who needs a kindergarten or school place (§21–23)' }),
    records: Records,
  })
  .refine((m) => m.schoolLevel === undefined || m.relation === 'child', {
    path: ['schoolLevel'],
    message: 'only a child needs a school place',
  });

const Target = z.discriminatedUnion('route', [
  z.strictObject({ route: z.literal('points'), district: z.enum(DISTRICTS) }),
  z.strictObject({ route: z.literal('town'), town: z.enum(TOWNS) }),
]);

const Applicant = z.strictObject({
  idNumber: IdNumber,
  name: PersonName,
  summary: z.string().min(1).meta({ description: 'what the person is for' }),
  target: Target.meta({ description: 'the application the person is meant to file: points + district, or town + town' }),
  records: Records,
  family: z
    .record(Handle, FamilyMember)
    .default({})
    .refine((f) => Object.keys(f).length <= MAX_FAMILY_MEMBERS, `at most ${MAX_FAMILY_MEMBERS} family members`)
    .meta({ description: 'co-residing family members who settle with the applicant (§1), by handle' }),
});

export const PeopleFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    people: z.record(Handle, Applicant).meta({ description: 'applicants by handle (the name code and tests use)' }),
  })
  .meta({ title: 'Department systems simulator: people file' });

/** What people.schema.json must hold (test/unit/simulator-people.test.ts compares; write-people-schema.ts writes). */
export function peopleJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PeopleFileSchema, { io: 'input' });
}

// Compile-time proof that a parsed file gives exactly the documented record types.
type ParsedRecords = z.infer<typeof Records>;
const sameRecords: [ParsedRecords extends DemoRecords ? true : never, DemoRecords extends ParsedRecords ? true : never] = [
  true,
  true,
];
void sameRecords;

// ---- errors that name the person and the field --------------------------------------------------

function nameAt(json: unknown, path: readonly PropertyKey[]): string {
  let node: unknown = json;
  for (const key of path)
    node = typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  const name = typeof node === 'object' && node !== null ? (node as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() ? ` (${name.trim()})` : '';
}

/** `person "a" (名), family member "b" (名): records.hrss.employed: …` for one zod issue. */
function describeIssue(json: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path;
  let who = '';
  let rest: readonly PropertyKey[] = path;
  if (path[0] === 'people' && path.length >= 2) {
    who = `person "${String(path[1])}"${nameAt(json, path.slice(0, 2))}`;
    rest = path.slice(2);
    if (rest[0] === 'family' && rest.length >= 2) {
      who += `, family member "${String(rest[1])}"${nameAt(json, path.slice(0, 4))}`;
      rest = rest.slice(2);
    }
    who += ': ';
  }
  const field = rest.length === 0 ? '' : `${rest.map(String).join('.')}: `;
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue.code === 'invalid_key'
        ? `invalid handle: ${issue.issues.map((i) => i.message).join('; ')}`
        : issue.message;
  return `${who}${field || (who ? '' : '(root): ')}${message}`;
}

function fail(source: string, problems: readonly string[]): never {
  throw new PeopleFileError(`${source}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`);
}

/** How a path is shown in messages: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

// ---- loading ----------------------------------------------------------------------------------

/** Validates one parsed people file; `source` names it in error messages. */
export function parsePeople(json: unknown, source: string): PeopleEntry[] {
  const result = PeopleFileSchema.safeParse(json);
  if (!result.success)
    fail(
      source,
      result.error.issues.map((i) => describeIssue(json, i)),
    );
  const entries = Object.entries(result.data.people).map(([handle, a]): PeopleEntry => {
    const family: Record<string, DemoPerson> = {};
    for (const [h, m] of Object.entries(a.family)) family[h] = m;
    const persona: DemoPersona = {
      idNumber: a.idNumber,
      name: a.name,
      relation: 'applicant',
      summary: a.summary,
      target: a.target,
      records: a.records,
      family: Object.values(family),
    };
    return { handle, source, persona, family };
  });
  assertDistinct(entries);
  return entries;
}

/** Reads and validates one people file. */
export function readPeopleFile(path: string): PeopleEntry[] {
  const source = shown(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(source, [err instanceof SyntaxError ? `not valid JSON: ${err.message}` : `cannot be read: ${(err as Error).message}`]);
  }
  return parsePeople(json, source);
}

/** The *.json files of a folder (not its sub-folders), in name order. */
function jsonFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Every person of the given files and folders (a folder: each *.json directly in it), each file
 * read once, checked together: a handle or an ID number may appear only once across them all.
 */
export function loadPeople(paths: readonly string[]): PeopleEntry[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new PeopleFileError(`${shown(abs)}: no such file or folder`);
    }
    for (const f of isDir ? jsonFilesIn(abs) : [abs]) if (!files.includes(f)) files.push(f);
  }
  const entries = files.flatMap(readPeopleFile);
  assertDistinct(entries);
  return entries;
}

/** What `npm start`'s simulator loads: the people folder, then SIMULATOR_PEOPLE's files or folders. */
export function simulatorPeopleSources(extra: readonly string[] = []): string[] {
  return [PEOPLE_DIR, ...extra];
}

/** Every person of the entries, applicants and their family members alike. */
export function everyoneIn(entries: readonly PeopleEntry[]): DemoPerson[] {
  return entries.flatMap((e) => [e.persona, ...e.persona.family]);
}

function assertDistinct(entries: readonly PeopleEntry[]): void {
  const handles = new Map<string, PeopleEntry>();
  const ids = new Map<string, string>();
  const problems: string[] = [];
  for (const e of entries) {
    const other = handles.get(e.handle);
    if (other) problems.push(`person "${e.handle}" is defined in ${other.source} and in ${e.source}`);
    handles.set(e.handle, e);
    const people: [string, DemoPerson][] = [
      [`person "${e.handle}" (${e.persona.name})`, e.persona],
      ...Object.entries(e.family).map(([h, m]): [string, DemoPerson] => [
        `person "${e.handle}" (${e.persona.name}), family member "${h}" (${m.name})`,
        m,
      ]),
    ];
    for (const [who, person] of people) {
      const first = ids.get(person.idNumber);
      if (first) problems.push(`${e.source}: ${who}: idNumber: the same ID number as ${first}; an ID number is one person (§8)`);
      else ids.set(person.idNumber, `${e.source}: ${who}`);
    }
  }
  if (problems.length > 0) throw new PeopleFileError(problems.length === 1 ? problems[0]! : `\n  ${problems.join('\n  ')}`);
}
