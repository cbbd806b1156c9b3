/**
 * What people do to an admission round (issue 13), each an Update of the round's workflow, which
 * audits it in the round's own trail: a supervisor closes a round early (with a reason); anyone
 * signed in objects to an entry of a published ranking during its public-notice period (公示);
 * a supervisor resolves an objection (upheld: the entry is removed and the next in line
 * admitted; dismissed: it stays).
 */
import { createHash } from 'node:crypto';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { ensureAdmissionRound } from '../../temporal/admission-rounds';
import {
  closeRoundUpdate,
  lodgeObjectionUpdate,
  resolveObjectionUpdate,
  type RoundActor,
} from '../../workflows/admission-round/messages';
import type { Actor, SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import { caseModel } from '../../models/case.model';
import { announcedRound, roundStarter, updateRound } from '../round-calls';
import { supervisorRoundView, type ObjectionView, type SupervisorRoundView } from '../views/round-views';
import { withTemporalDeadline } from '../workflow-calls';

const roundFinished = () => new AppError('conflict', 'round-finished', 'The round has finished: its ranking is final');
/** Objections and their resolutions belong to the public-notice period: before or after it there is no workflow to take them. */
const notInNotice = () => new AppError('conflict', 'round-not-in-notice', 'The round is not in its public-notice period');

/** Auditors and operators take no part in the rounds (issue 15): they read the rankings, never object. The pages ask the same. */
export const OBJECTING_ROLES = ['applicant', 'officer', 'supervisor'] as const satisfies ReadonlyArray<Actor['role']>;
export const mayObject = (role: Actor['role']): boolean => (OBJECTING_ROLES as ReadonlyArray<Actor['role']>).includes(role);

const asRoundActor = (actor: Actor): RoundActor => {
  if (actor.role === 'auditor' || actor.role === 'operator') throw new AppError('forbidden', 'forbidden', 'Not for this role');
  return { id: actor.sub, role: actor.role };
};

export interface CloseRoundEarlyInput {
  actor: SupervisorActor;
  roundId: string;
  reason: string;
  /** Makes a retried request one request (the Update id). */
  requestId: string;
}

/**
 * Closes the round now: it is ranked at once instead of on its date. The round's workflow is
 * started first when no case has joined yet (it starts when the first case does); a round that
 * has not opened yet cannot be closed (it would rank nobody and then refuse every case), nor one
 * that has finished.
 */
export async function closeRoundEarly(
  deps: AppDeps,
  input: CloseRoundEarlyInput,
  now = new Date(),
): Promise<SupervisorRoundView> {
  const { actor, roundId, reason, requestId } = input;
  const { round } = announcedRound(deps, roundId);
  if (shanghaiToday(now) < round.opensOn)
    throw new AppError('conflict', 'round-not-open', `The round opens on ${round.opensOn}; it cannot be closed before then`);
  const started = await withTemporalDeadline(deps, () => ensureAdmissionRound(roundStarter(deps), roundId));
  if (started.finished) throw roundFinished();
  const view = await updateRound(
    deps,
    roundId,
    closeRoundUpdate,
    { updateId: `close:${actor.sub}:${requestId}`, args: [{ by: asRoundActor(actor), reason }] },
    roundFinished,
  );
  // The workflow's own answer, not the read model: its write may not have landed yet.
  const doc = { _id: roundId, year: view.year, opensOn: view.opensOn, view };
  return supervisorRoundView({ found: announcedRound(deps, roundId), doc }, shanghaiToday(now), started.handle.workflowId);
}

export interface LodgeObjectionInput {
  actor: Actor;
  roundId: string;
  entryId: string;
  reason: string;
  /** The client's idempotency key: the same key from the same person is one objection. */
  idempotencyKey: string;
}

/** What the objector hears back: their objection's id and state (its text they wrote themselves). */
export type LodgedObjection = Pick<ObjectionView, 'objectionId' | 'entryId' | 'status' | 'lodgedAt'>;

/**
 * The objection's id: derived from the objector and their key, so a retry is the same objection
 * and two people's keys never collide, without putting anyone's account id into a URL.
 */
export function objectionIdOf(actor: Actor, idempotencyKey: string): string {
  return createHash('sha256').update(`${actor.sub}\u0000${idempotencyKey}`).digest('hex').slice(0, 32);
}

/**
 * Whether the entry is the signed-in applicant's own case's. An objection asks for an entry to be
 * removed, which refuses its case: one's own score or rank is a question for the counter instead.
 */
export async function isOwnEntry(deps: AppDeps, actor: Actor, roundId: string, entryId: string): Promise<boolean> {
  if (actor.role !== 'applicant') return false;
  const mine = await caseModel(deps.mongo).find({ applicantUserId: actor.sub }, { area: 1, round: 1 }).lean();
  return mine.some((c) => c.round?.roundId === roundId && c.round.rank !== undefined && `${c.area}-${c.round.rank}` === entryId);
}

export async function lodgeObjection(deps: AppDeps, input: LodgeObjectionInput): Promise<LodgedObjection> {
  const { actor, roundId, entryId, reason, idempotencyKey } = input;
  // A round no file announces is a 404 before anything is sent, not "outside its notice period".
  announcedRound(deps, roundId);
  if (await isOwnEntry(deps, actor, roundId, entryId))
    throw new AppError('conflict', 'own-entry', `Entry ${entryId} is your own case's: ask the counter about your score or rank`);
  const objectionId = objectionIdOf(actor, idempotencyKey);
  const objection = await updateRound(
    deps,
    roundId,
    lodgeObjectionUpdate,
    { updateId: `objection:${objectionId}`, args: [{ objectionId, entryId, by: asRoundActor(actor), reason }] },
    notInNotice,
  );
  return {
    objectionId: objection.objectionId,
    entryId: objection.entryId,
    status: objection.status,
    lodgedAt: objection.lodgedAt,
  };
}

export interface ResolveObjectionInput {
  actor: SupervisorActor;
  roundId: string;
  objectionId: string;
  outcome: 'upheld' | 'dismissed';
  note: string;
  requestId: string;
}

export async function resolveObjection(deps: AppDeps, input: ResolveObjectionInput): Promise<ObjectionView> {
  const { actor, roundId, objectionId, outcome, note, requestId } = input;
  announcedRound(deps, roundId);
  return updateRound(
    deps,
    roundId,
    resolveObjectionUpdate,
    { updateId: `resolve:${actor.sub}:${requestId}`, args: [{ objectionId, outcome, by: asRoundActor(actor), note }] },
    notInNotice,
  );
}
