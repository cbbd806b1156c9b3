/**
 * The admission rounds as published (issue 13; §2 "公开透明"): every round the rounds files
 * announce, with what its workflow last wrote to `admission_rankings`; one round as anyone may
 * read it (masked, no sign-in); one round in full for supervisors. The shaping is
 * app/views/round-views.ts, so the JSON API and the pages show the same thing.
 */
import { shanghaiToday } from '../../domain/shanghai-clock';
import { admissionRankingModel } from '../../models/admission-ranking.model';
import { admissionRoundWorkflowId } from '../../workflows/admission-round/messages';
import { recordAccess, type AccessContext } from '../access-records/record-access';
import type { SupervisorActor } from '../actor';
import type { AppDeps } from '../deps';
import { findRound } from '../../domain/admission-rounds';
import { noSuchRound, roundsFilesOf } from '../round-calls';
import {
  publicRoundView,
  roundSummary,
  supervisorRoundView,
  type PublicRoundView,
  type RoundSource,
  type RoundSummary,
  type SupervisorRoundView,
} from '../views/round-views';

/**
 * Every round, in the order they open: those the files announce, and any the database holds
 * that a file no longer lists (a published ranking stays readable). A handful of documents a
 * year, each read whole: the list counts entries and admissions from the published view.
 */
export async function listRounds(deps: AppDeps, now = new Date()): Promise<RoundSummary[]> {
  const files = roundsFilesOf(deps);
  const docs = await admissionRankingModel(deps.mongo).find({}).lean();
  const byId = new Map(docs.map((d) => [d._id, d]));
  const sources: RoundSource[] = files.flatMap((file) =>
    file.rounds.map((round) => ({ found: { file, round }, doc: byId.get(round.id) })),
  );
  const announced = new Set(sources.map((s) => s.found!.round.id));
  for (const doc of docs) if (!announced.has(doc._id)) sources.push({ doc });
  const today = shanghaiToday(now);
  return sources
    .map((s) => roundSummary(s, today))
    .sort((a, b) => (a.opensOn < b.opensOn ? -1 : a.opensOn > b.opensOn ? 1 : a.roundId < b.roundId ? -1 : 1));
}

async function roundSource(deps: AppDeps, roundId: string): Promise<RoundSource> {
  const found = findRound(roundsFilesOf(deps), roundId);
  const doc = (await admissionRankingModel(deps.mongo).findById(roundId).lean()) ?? undefined;
  if (!found && !doc) throw noSuchRound();
  return { found, doc };
}

/** One round as anyone may read it: the masked ranking per district, the dates, the events without actors. */
export async function viewRoundPublic(deps: AppDeps, input: { roundId: string }, now = new Date()): Promise<PublicRoundView> {
  return publicRoundView(await roundSource(deps, input.roundId), shanghaiToday(now));
}

/**
 * One round in full: every objection with its reason and who lodged it, the round's audit lines.
 * Objections are what people wrote about a ranked person: a view that shows any is recorded
 * (`round_objections`, by round: the entries are masked and name no case).
 */
export async function viewRoundAsSupervisor(
  deps: AppDeps,
  input: { actor: SupervisorActor; roundId: string; access: AccessContext },
  now = new Date(),
): Promise<SupervisorRoundView> {
  const view = supervisorRoundView(
    await roundSource(deps, input.roundId),
    shanghaiToday(now),
    admissionRoundWorkflowId(input.roundId),
  );
  if (view.objections.length > 0)
    await recordAccess(deps, {
      actor: input.actor,
      view: 'round_objections',
      caseIds: [],
      roundId: input.roundId,
      access: input.access,
    });
  return view;
}
