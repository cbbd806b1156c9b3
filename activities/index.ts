/** Builds every activity the worker registers from its dependencies. */
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { diagnosticProbeModel } from '../models/diagnostic-probe.model';
import type { RoundStarter } from '../temporal/admission-rounds';
import type { DepartmentSystemsClient } from './adapters/department-systems.client';
import { createAdmissionRoundActivities } from './admission-rounds.activities';
import { createBulkInterventionActivities } from './bulk-intervention.activities';
import { createCaseRecordActivities } from './case-record.activities';
import { createDeadlineActivities } from './deadline.activities';
import { createDecisionLetterActivities } from './decision-letters.activities';
import { createDepartmentCheckActivities } from './department-checks.activities';
import { createDiagnosticActivities } from './diagnostic.activities';
import type { NoticeRenderer } from './notifications/renderer';
import type { RegistersClient } from './adapters/registers.client';
import { placeFreedTeller } from './place-freed';
import { createPolicyActivities } from './policy.activities';
import { createRegistrationActivities } from './registration.activities';
import { createReservationActivities } from './reservations.activities';
import { createResealActivities } from './reseal.activities';
import { createRetentionActivities, type RetentionSettings } from './retention.activities';
import { createNoticeDispatchActivities, type DeliveryDeps } from './notice-dispatch.activities';
import type { DepartmentContacts } from '../policy/department-contacts';

export interface ActivityDeps {
  mongo: Connection;
  departmentSystems: DepartmentSystemsClient;
  renderer: NoticeRenderer;
  /** The departments' registers (issue 14): every side effect a department commits is written there. */
  registers: RegistersClient;
  /** Folder of the capacity files; default policy/capacities. */
  capacityDir?: string;
  /** Folder of the working-day calendar files (CALENDAR_DIR); default policy/calendar. */
  calendarDir?: string;
  /** Folder of the points policy versions (POINTS_DIR); default policy/points. */
  pointsDir?: string;
  /** Folder of the authorities versions (AUTHORITIES_DIR); default policy/authorities. */
  authoritiesDir?: string;
  /** The worker's Temporal client: bulk interventions send each case its Update through it (issue 11). */
  temporal?: Client;
  /** How admission rounds are started (issue 13): task queue, rounds files, notice clock. */
  rounds?: Omit<RoundStarter, 'client'>;
  /** Where staff notices go (issue 14), as the table is now; default policy/department-contacts.json. */
  contacts?: () => DepartmentContacts;
  /** The notice dispatcher's senders and settings (issue 14); without them dispatchNotices refuses. */
  delivery?: DeliveryDeps;
  /** The retention periods and page size (issue 15 part 5); default domain/retention.ts DEFAULT_RETENTION_PERIODS. */
  retention?: RetentionSettings;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDiagnosticActivities({ probes: diagnosticProbeModel(deps.mongo) }),
    ...createCaseRecordActivities(deps),
    ...createDepartmentCheckActivities(deps),
    ...createPolicyActivities(deps),
    ...createReservationActivities({ ...deps, ...(deps.temporal ? { tellPlaceFreed: placeFreedTeller(deps.temporal) } : {}) }),
    ...createRegistrationActivities(deps),
    ...createDecisionLetterActivities(deps),
    ...createBulkInterventionActivities(deps),
    ...createDeadlineActivities(deps),
    ...createAdmissionRoundActivities(deps),
    ...createNoticeDispatchActivities(deps),
    ...createResealActivities(deps),
    ...createRetentionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
