/**
 * What the simulated department information systems know (§8–9): one document per person keyed
 * by citizen ID number, with one optional sub-record per department (a person unknown to a
 * department simply has no sub-record there).
 *
 * These collections live in the simulator's own database (`department_systems`), never in the
 * case engine's: the engine only ever sees them through HTTP, as it would see the real systems.
 */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { EDUCATION_LEVELS, PROFESSIONAL_TITLES, RESIDENCE_KINDS, VOCATIONAL_SKILLS } from '../../domain/department-checks';
import { DISTRICTS, TOWNS } from '../../domain/vocabulary';

/** Every area the simulator knows: the districts of the points route and the designated towns. */
export const SIMULATOR_AREAS = [...DISTRICTS, ...TOWNS] as const;
export type SimulatorArea = (typeof SIMULATOR_AREAS)[number];

const years = { type: Number, required: true, min: 0, max: 100 } as const;
const subRecord = { _id: false, versionKey: false, strict: 'throw' } as const;

const policeRecordSchema = new Schema(
  {
    identityMatches: { type: Boolean, required: true },
    criminalRecord: { type: Boolean, required: true },
    creditGood: { type: Boolean, required: true },
    continuousResidenceYears: years,
    registeredBy: { type: String, maxlength: 200 },
  },
  subRecord,
);

const hrssRecordSchema = new Schema(
  {
    employed: { type: Boolean, required: true },
    employer: { type: String, maxlength: 200 },
    socialInsuranceYears: years,
    professionalTitle: { type: String, enum: PROFESSIONAL_TITLES, required: true },
    vocationalSkill: { type: String, enum: VOCATIONAL_SKILLS, required: true },
  },
  subRecord,
);

const housingRecordSchema = new Schema(
  {
    residence: { type: String, enum: RESIDENCE_KINDS, required: true },
    addressArea: { type: String, enum: SIMULATOR_AREAS },
  },
  subRecord,
);

const educationRecordSchema = new Schema(
  {
    educationLevel: { type: String, enum: EDUCATION_LEVELS, required: true },
  },
  subRecord,
);

const departmentRecordSchema = new Schema(
  {
    /** The citizen ID number (canonical: upper-case X), the unique person key (§8). */
    _id: { type: String, required: true, match: /^\d{17}[\dX]$/ },
    police: { type: policeRecordSchema, required: false },
    hrss: { type: hrssRecordSchema, required: false },
    housing: { type: housingRecordSchema, required: false },
    education: { type: educationRecordSchema, required: false },
  },
  { collection: 'department_records', versionKey: false, strict: 'throw' },
);

export type DepartmentRecord = InferSchemaType<typeof departmentRecordSchema>;

export function departmentRecordModel(conn: Connection): Model<DepartmentRecord> {
  return (
    (conn.models.DepartmentRecord as Model<DepartmentRecord> | undefined) ??
    conn.model<DepartmentRecord>('DepartmentRecord', departmentRecordSchema)
  );
}
