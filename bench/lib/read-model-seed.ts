/**
 * Bulk-seeds the cases read model of a dedicated database for the supervisor audit at scale.
 * The first batch holds the open cases (a fixed number of them overdue, stale, failing); every
 * later batch holds only closed ones (settled, rejected, withdrawn), as a growing archive
 * would: the number of stuck cases stays the same while the collection grows tenfold, so query
 * time that grows with it means the filters scan instead of using indexes.
 */
import type { Connection } from 'mongoose';
import type { CaseState, StepState } from '../../domain/case-state';
import { DISTRICTS, TOWNS, type Department } from '../../domain/vocabulary';
import { caseModel, type CaseDoc } from '../../models/case.model';
import { syntheticIdNumber } from './people';

const DAY = 86_400_000;

export interface SeedShape {
  /** Open cases in the first batch (10 % overdue, 5 % with a failing lookup, the rest recent or stale). */
  open: number;
}

function step(department: Department, status: StepState['status'], overdue: boolean, failing: boolean): StepState {
  return {
    department,
    status: failing ? 'check_failed' : status,
    overdue,
    checkFailures: failing ? 2 : 0,
    internalNotes: [],
    ...(status === 'awaiting_decision' ? { waitingSince: new Date(Date.now() - 3 * DAY).toISOString() } : {}),
    ...(status === 'awaiting_decision' ? { dueAt: new Date(Date.now() + (overdue ? -DAY : 2 * DAY)).toISOString() } : {}),
    ...(status === 'approved'
      ? { decision: { kind: 'approve' as const, by: 'officer-bench', role: 'officer' as const, at: new Date().toISOString() } }
      : {}),
  };
}

/** The id of seeded case number n. */
export function seededCaseId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

function caseDoc(n: number, open: boolean, openIndex: number): CaseDoc {
  const points = n % 3 !== 0;
  const departments: Department[] = points ? ['police', 'hrss', 'housing', 'education'] : ['police', 'housing'];
  const area = points ? DISTRICTS[n % DISTRICTS.length]! : TOWNS[n % TOWNS.length]!;
  const overdue = open && openIndex % 10 === 0;
  const failing = open && openIndex % 20 === 5;
  // Open: progress within the last 10 days (most of them more than a day ago: "stale");
  // closed: anywhere in the last year.
  const last = new Date(Date.now() - (open ? (openIndex % 240) * 3_600_000 : (n % 365) * DAY + 11 * DAY));
  const closedStatus = (['settled', 'settled', 'settled', 'rejected', 'withdrawn'] as const)[n % 5]!;
  const status: CaseState['status'] = open ? 'under_review' : closedStatus;
  const steps = Object.fromEntries(
    departments.map((d, i) => [
      d,
      step(d, open ? (i === 0 ? 'awaiting_decision' : 'approved') : 'approved', overdue && i === 0, failing && i === 1),
    ]),
  );
  const caseId = seededCaseId(n);
  const pending = open ? departments.filter((_, i) => i === 0 || (failing && i === 1)) : [];
  return {
    _id: caseId,
    caseId,
    workflowId: `SettlementCase:${caseId}`,
    childrenWaiting: 0,
    seq: 5,
    caseNumber: `HK-BENCH-${String(n).padStart(7, '0')}`,
    applicantUserId: `bench-applicant-${n}`,
    route: points ? 'points' : 'town',
    area,
    status,
    submittedAt: new Date(last.getTime() - 5 * DAY).toISOString(),
    lastProgressAt: last.toISOString(),
    lastProgressDate: last,
    ...(points ? { policyVersion: 'xian-2016-v1' } : {}),
    application: {
      route: points ? 'points' : 'town',
      ...(points ? { district: area as (typeof DISTRICTS)[number] } : { town: area as (typeof TOWNS)[number] }),
      applicant: { idNumber: syntheticIdNumber(100_000 + n, '610113'), name: '王基准', relation: 'applicant' },
      family: [],
      contact: { phone: '13800138000', locale: 'zh-CN' },
    },
    collectiveHousehold: false,
    steps,
    reservations: [],
    ...(open ? {} : { outcome: { status: closedStatus, at: last.toISOString(), by: 'system', role: 'system', reasons: [] } }),
    failingCompensations: [],
    pendingDepartments: pending,
    overdueDepartments: overdue ? [departments[0]!] : [],
    failingChecks: failing ? [departments[1]!] : [],
    overdue,
    open,
    supplementDueAt: null,
  };
}

/**
 * Inserts cases numbered [from, to) in batches; the first `shape.open` of the whole seed are open.
 * Calls `progress` after each batch.
 */
export async function seedReadModel(
  conn: Connection,
  from: number,
  to: number,
  shape: SeedShape,
  progress?: (done: number) => void,
  batch = 1000,
): Promise<void> {
  const cases = caseModel(conn);
  await cases.init(); // the indexes the API relies on, before the data
  for (let i = from; i < to; i += batch) {
    const docs = Array.from({ length: Math.min(batch, to - i) }, (_, k) => {
      const n = i + k;
      return caseDoc(n, n < shape.open, n);
    });
    await cases.collection.insertMany(docs as never[], { ordered: false });
    progress?.(Math.min(i + batch, to));
  }
}
