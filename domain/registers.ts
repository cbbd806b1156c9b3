/**
 * The departments' registers our cases write to (issue 14, DOMAIN.md §3, §16, §21–23, §25): which
 * department keeps each, where its system takes the write, and the idempotency key a write of
 * ours carries. Shared by the register adapter, the activities and the department simulator.
 *
 * The key is a business key (case + register + item [+ person]): a retried write, after a crash
 * or a timeout, names the same record, and the undo of a compensation finds it by the same key
 * even when the write's answer never reached us.
 */
import type { ReservationKind } from './codes';
import type { Department } from './vocabulary';

export const REGISTERS = {
  /** Police: the provisional registration made when the police approve (undone if the case fails). */
  provisional_registration: { department: 'police', path: 'police/provisional-registrations' },
  /** Police: the final 居民户口 registration, one record per person (§3). */
  household_registration: { department: 'police', path: 'police/household-registrations' },
  /** Police: an address in a collective household (§16). */
  collective_household_address: { department: 'police', path: 'police/collective-household-addresses' },
  /** Housing: the confirmation of the family's residence. */
  residence_confirmation: { department: 'housing', path: 'housing/residence-confirmations' },
  /** Education: a child's school place, once placed (never while waiting, §21–23). */
  school_place: { department: 'education', path: 'education/school-places' },
  /** HR: the social-insurance transfer (§25); completes asynchronously. */
  social_insurance_transfer: { department: 'hrss', path: 'hrss/social-insurance-transfers' },
} as const satisfies Record<string, { department: Department; path: string }>;

export type RegisterName = keyof typeof REGISTERS;
export const REGISTER_NAMES = Object.keys(REGISTERS) as RegisterName[];

/** The register a reservation of our capacity pools is mirrored in; none for our own quota. */
export function registerOfReservation(kind: ReservationKind): RegisterName | undefined {
  switch (kind) {
    case 'provisional_registration':
      return 'provisional_registration';
    case 'collective_household_slot':
      return 'collective_household_address';
    case 'residence_confirmation':
      return 'residence_confirmation';
    case 'school_place':
      return 'school_place';
    case 'quota_slot':
      return undefined;
  }
}

/** The idempotency key of one write: case + register + item, and the person when one record is per person. */
export function registerKey(caseId: string, register: RegisterName, item: string, personIndex?: number): string {
  return `${caseId}:${register}:${item}${personIndex === undefined ? '' : `:p${personIndex}`}`;
}

/** What a write to a register answers (the department's record). */
export interface RegisterRecord {
  recordId: string;
  idempotencyKey: string;
  /** active: written; pending/completed: an HR transfer; undone: compensated (or undone before written). */
  status: 'active' | 'pending' | 'completed' | 'undone';
  createdAt: string;
  completedAt?: string;
}

/** The header and scheme of the HR completion callback's signature (HMAC-SHA256 of the raw body). */
export const CALLBACK_SIGNATURE_HEADER = 'x-register-signature';

/** What the HR system posts to us when a transfer completes. */
export interface TransferCompletion {
  recordId: string;
  idempotencyKey: string;
  caseId: string;
  status: 'completed';
  completedAt: string;
}
