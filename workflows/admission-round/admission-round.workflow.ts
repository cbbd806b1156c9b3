/**
 * One admission round (issue 13; §2 总量控制、公开透明、有序办理、公平公正). Open: points cases that
 * every department approved join it (the `enrol` Update). Closed — by its Schedule, by a
 * supervisor, or by its own timer at the close if neither came — it ranks each district's
 * cases with the documented tie-breaks, admits the top N the district may still fill this year,
 * and publishes the masked ranking for the public-notice period (公示). During it objections may
 * be lodged; a supervisor upholds one (the entry is removed, the next in line admitted) or
 * dismisses it. When the period is over and no objection is left open, the ranking is final:
 * admitted cases go on to registration, the others to the next round.
 *
 * Cases hear the round by a Signal (`roundNews`), sent in batches by an activity so a round of
 * thousands of cases stays a short history; a case that has ended meanwhile is simply skipped.
 * The ranking is written to the read model `admission_rankings` after every change, in order.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import {
  availableInRound,
  cumulativeQuota,
  cutoffScore,
  findRound,
  markLeft,
  nextInLine,
  objectable,
  publishEntry,
  takesObjections,
  rankDistrict,
  roundPoolKey,
  type RoundEntryInput,
} from '../../domain/admission-rounds';
import { dueAtEndOfOfficeDay, NEXT_YEAR_REACHES_DECEMBER, workingCalendar } from '../../domain/working-days';
import { shanghaiDayStart } from '../../domain/shanghai-clock';
import { DISTRICTS, type District } from '../../domain/vocabulary';
import type { Activities } from '../../activities';
import {
  closeRoundUpdate,
  enrolUpdate,
  leaveRoundSignal,
  lodgeObjectionUpdate,
  resolveObjectionUpdate,
  roundViewQuery,
  type AdmissionRoundInput,
  type CloseRoundInput,
  type Objection,
  type RankedWithInput,
  type RoundActor,
  type RoundEvent,
  type RoundNews,
  type RoundRefusal,
  type RoundView,
} from './messages';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const SYSTEM: RoundActor = { id: 'system', role: 'system' };
/** Cases told per activity: one batch is one activity, whatever the round's size. */
const NEWS_BATCH = 200;

function refuse(type: RoundRefusal, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

export async function admissionRound(input: AdmissionRoundInput): Promise<RoundView> {
  const found = findRound([input.file], input.roundId);
  if (!found) throw ApplicationFailure.nonRetryable(`round ${input.roundId} is not in ${input.file.version}`);
  const { round } = found;
  const now = (): string => new Date().toISOString();
  const entries = new Map<string, RoundEntryInput>();
  const ranked = new Map<District, RankedWithInput[]>();
  let closeRequest: CloseRoundInput | undefined;
  /** Cases that ended after the close began (patch `left-after-ranking`): their entries are `left`. */
  const endedCases = new Set<string>();
  const view: RoundView = {
    roundId: round.id,
    year: input.file.year,
    opensOn: round.opensOn,
    closesOn: round.closesOn,
    phase: 'open',
    waiting: 0,
    districts: [],
    objections: [],
    events: [],
  };
  const event = (e: Omit<RoundEvent, 'at'>) => view.events.push({ at: now(), ...e });
  const snapshot = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

  // ---- publishing, in order ----------------------------------------------------------------
  const availableOf = new Map<District, number>();
  const cutoffOf = (list: RankedWithInput[]) => cutoffScore(list);
  let seq = 0;
  let published: Promise<void> = Promise.resolve();
  const refreshDistricts = () => {
    view.districts = [...ranked.entries()].map(([district, list]) => ({
      district,
      available: availableOf.get(district) ?? 0,
      ...(cutoffOf(list) !== undefined ? { cutoff: cutoffOf(list) } : {}),
      entries: list.map((e) =>
        publishEntry(e, e.input, view.objections.filter((o) => o.entryId === e.entryId && o.status === 'open').length),
      ),
    }));
  };
  const publish = (): Promise<void> => {
    refreshDistricts();
    const next = { seq: ++seq, view: snapshot(view) };
    published = published.then(() => acts.publishAdmissionRound(next));
    return published;
  };

  /** Objections being resolved: marked already, their news not yet out. */
  let resolving = 0;
  /** Tells cases what the round decided, in batches. */
  const tell = async (news: { caseId: string; news: RoundNews }[]) => {
    for (let i = 0; i < news.length; i += NEWS_BATCH) await acts.tellRoundCases({ news: news.slice(i, i + NEWS_BATCH) });
  };
  const slotOf = (district: District) => ({
    pool: roundPoolKey(district, input.file.year),
    limit: cumulativeQuota(input.file, round.id, district),
    year: input.file.year,
    version: input.file.version,
  });
  const entryById = (entryId: string) => {
    for (const list of ranked.values()) {
      const e = list.find((x) => x.entryId === entryId);
      if (e) return e;
    }
    return undefined;
  };

  // ---- messages ------------------------------------------------------------------------------
  setHandler(roundViewQuery, () => view);

  setHandler(
    enrolUpdate,
    (e: RoundEntryInput) => {
      const joined = !entries.has(e.caseId);
      // A retried join of a case enrolled before the close (the validator lets it through):
      // the entry stands as it was ranked.
      if (!joined && (view.phase !== 'open' || closeRequest)) return { roundId: round.id, closesOn: round.closesOn };
      entries.set(e.caseId, e);
      view.waiting = entries.size;
      // The published view said 0 waiting until the close: only events published it.
      if (joined && patched('publish-waiting')) void publish();
      return { roundId: round.id, closesOn: round.closesOn };
    },
    {
      validator: (e: RoundEntryInput) => {
        // A case already enrolled hears that it is, even after the close: its join's first
        // attempt went through and only the answer was lost (joinAdmissionRound retried).
        if (entries.has(e.caseId)) return;
        if (view.phase !== 'open' || closeRequest) refuse('RoundNotOpen', `round ${round.id} is closed`);
        if (!(DISTRICTS as readonly string[]).includes(e.district)) refuse('WrongDistrict', `unknown district ${e.district}`);
      },
    },
  );

  setHandler(leaveRoundSignal, ({ caseId }) => {
    if (view.phase === 'open' && !closeRequest) {
      if (!entries.delete(caseId)) return;
      view.waiting = entries.size;
      event({ type: 'left', actor: SYSTEM, what: 'case left before the close' });
      if (patched('publish-waiting')) void publish();
      return;
    }
    // Closing or closed: a closed round is never re-ranked, but a case that ended after its close
    // is shown as having left (its slot passes to the next round, as any slot given back does),
    // and the next in line after an upheld objection is never an ended case. One that ended
    // while the round was closing is left out of the ranking. Before the patch the signal was
    // ignored here.
    if (!patched('left-after-ranking')) return;
    // A final ranking is the round's record: a case that ends later (registering, or about to hear
    // the final news) leaves it as it stands.
    if (view.phase === 'final') return;
    endedCases.add(caseId);
    const left = markLeft([...ranked.values()].flat(), endedCases);
    for (const e of left) event({ type: 'left', actor: SYSTEM, what: `entry ${e.entryId} left: its case ended` });
    if (left.length > 0) void publish();
  });

  setHandler(
    closeRoundUpdate,
    async (c: CloseRoundInput) => {
      closeRequest = c;
      await condition(() => view.phase !== 'open');
      return snapshot(view);
    },
    {
      validator: (_c: CloseRoundInput) => {
        if (view.phase !== 'open' || closeRequest) refuse('RoundNotOpen', `round ${round.id} is already closed`);
      },
    },
  );

  setHandler(
    lodgeObjectionUpdate,
    async (o) => {
      const existing = view.objections.find((x) => x.objectionId === o.objectionId);
      if (existing) return snapshot(existing);
      const objection: Objection = {
        objectionId: o.objectionId,
        entryId: o.entryId,
        lodgedBy: o.by,
        lodgedAt: now(),
        reason: o.reason,
        status: 'open',
      };
      view.objections.push(objection);
      event({
        type: 'objection_lodged',
        actor: o.by,
        what: `objection against ${o.entryId}`,
        data: { objectionId: o.objectionId },
      });
      await publish();
      return snapshot(objection);
    },
    {
      validator: (o) => {
        if (view.objections.some((x) => x.objectionId === o.objectionId)) return;
        // Past the period's end the round waits only for the objections already lodged (a
        // validator reads the clock freely: it never runs on replay).
        if (!takesObjections(view.phase, view.noticeEndsAt, Date.now()))
          refuse('RoundNotInNotice', `round ${round.id} is not in its public-notice period`);
        const e = entryById(o.entryId);
        if (!e) refuse('EntryNotFound', `round ${round.id} has no entry ${o.entryId} to object to`);
        // An entry removed by an upheld objection, or whose case left, is still listed: a conflict, not a 404.
        if (!objectable(e.status))
          refuse('EntryNotObjectable', `entry ${o.entryId} of round ${round.id} is ${e.status}: nothing to object to`);
        // A validator runs only for new Updates (never on replay): refusing here changes no history.
        if (view.objections.some((x) => x.entryId === o.entryId && x.status === 'open' && x.lodgedBy.id === o.by.id))
          refuse('ObjectionAlreadyLodged', `an objection of this person to entry ${o.entryId} is still being looked into`);
      },
    },
  );

  setHandler(
    resolveObjectionUpdate,
    async (r) => {
      const objection = view.objections.find((x) => x.objectionId === r.objectionId)!;
      if (objection.status !== 'open') return snapshot(objection); // the same resolution again
      // Counted until its news is out: the ranking becomes final only after that (patch
      // `final-after-resolutions`, below).
      resolving += 1;
      try {
        Object.assign(objection, { status: r.outcome, resolvedBy: r.by, resolvedAt: now(), resolutionNote: r.note });
        const entry = entryById(objection.entryId)!;
        const news: { caseId: string; news: RoundNews }[] = [];
        if (r.outcome === 'dismissed') {
          event({ type: 'objection_dismissed', actor: r.by, what: `objection against ${entry.entryId} dismissed`, why: r.note });
        } else if (entry.status === 'left') {
          // Its case has ended: the finding is recorded, the entry stays as it left (its admission
          // still set the cut-off; its slot went back when the case ended).
          event({ type: 'objection_upheld', actor: r.by, what: `objection against ${entry.entryId} upheld`, why: r.note });
        } else if (entry.status !== 'removed') {
          const wasAdmitted = entry.status === 'admitted';
          entry.status = 'removed';
          event({ type: 'objection_upheld', actor: r.by, what: `entry ${entry.entryId} removed`, why: r.note });
          news.push({
            caseId: entry.caseId,
            news: { kind: 'removed', roundId: round.id, rank: entry.rank, objectionId: r.objectionId, note: r.note, by: r.by },
          });
          if (wasAdmitted) {
            // Its slot goes to the next in line: given back here first, so the next case's
            // reservation finds it free (the removed case's own release later changes nothing).
            const slot = slotOf(entry.district);
            await acts.release({ caseId: entry.caseId, kind: 'quota_slot', pool: slot.pool, item: 'household' });
            const list = ranked.get(entry.district)!;
            const next = nextInLine(list) as RankedWithInput | undefined;
            if (next) {
              next.status = 'admitted';
              event({ type: 'admitted_next', actor: r.by, what: `entry ${next.entryId} admitted in place of ${entry.entryId}` });
              news.push({
                caseId: next.caseId,
                news: { kind: 'admitted', roundId: round.id, rank: next.rank, ...cutoffField(list), ...slot },
              });
            }
            // The line moved (the published ranking shows it at once): the district's other ranked
            // cases show it on their own page too, not only in their final result.
            if (patched('tell-cutoff-moved')) {
              for (const other of list.filter((x) => x !== next && (x.status === 'admitted' || x.status === 'not_admitted')))
                news.push({ caseId: other.caseId, news: { kind: 'cutoff', roundId: round.id, ...cutoffField(list) } });
            }
          }
        }
        await publish();
        await tell(news);
        return snapshot(objection);
      } finally {
        resolving -= 1;
      }
    },
    {
      validator: (r) => {
        const o = view.objections.find((x) => x.objectionId === r.objectionId);
        if (!o) refuse('ObjectionNotFound', `round ${round.id} has no objection ${r.objectionId}`);
        if (o.status !== 'open' && o.status !== r.outcome)
          refuse('ObjectionAlreadyResolved', `objection ${r.objectionId} was already ${o.status}`);
        if (view.phase === 'final') refuse('RoundNotInNotice', `round ${round.id} is final`);
      },
    },
  );

  const cutoffField = (list: RankedWithInput[]) => {
    const cutoff = cutoffScore(list);
    return cutoff === undefined ? {} : { cutoff };
  };

  // ---- open until closed -----------------------------------------------------------------------
  // The round opened on its first day, not when its workflow started (the first case joining,
  // maybe weeks later); a workflow started before that day (the round before closed early) says now.
  const firstDay = shanghaiDayStart(round.opensOn);
  const openedAt = patched('opened-on-first-day') && firstDay < now() ? firstDay : now();
  view.events.push({ at: openedAt, type: 'opened', actor: SYSTEM, what: `round ${round.id} opened` });
  await publish();
  const untilClose = Date.parse(input.closesAt) - Date.now();
  if (untilClose > 0) await condition(() => closeRequest !== undefined, untilClose);
  const closedBy = closeRequest ?? { by: SYSTEM, reason: 'the round’s closing time' };
  closeRequest = closedBy;

  // ---- close: rank, admit, publish -------------------------------------------------------------
  const districts = [...new Set([...entries.values()].map((e) => e.district))].sort();
  const held = await acts.quotaHeld({ pools: districts.map((d) => roundPoolKey(d, input.file.year)) });
  // Tie-breaks on completed years; a round closed before the patch compared the years as sent.
  const wholeYears = patched('whole-year-tiebreak');
  for (const d of districts) {
    const available = availableInRound(input.file, round.id, d, held[roundPoolKey(d, input.file.year)] ?? 0);
    availableOf.set(d, available);
    // A case that ended while the round was closing is not ranked: it left before its rank existed.
    const inputs = [...entries.values()].filter((e) => e.district === d && !endedCases.has(e.caseId));
    if (inputs.length === 0) continue;
    const byCase = new Map(inputs.map((e) => [e.caseId, e]));
    ranked.set(
      d,
      rankDistrict(inputs, available, { wholeYears }).map((e) => ({ ...e, input: byCase.get(e.caseId)! })),
    );
  }
  const closedAt = now();
  let noticeEndsAt: string;
  let provisional = false;
  if ('elapsedMs' in input.notice) {
    noticeEndsAt = new Date(Date.now() + input.notice.elapsedMs).toISOString();
  } else {
    const files = await acts.loadWorkingCalendar({ fromYear: Number(closedAt.slice(0, 4)) });
    // Only late December waits on the next year's notice (domain/working-days.ts); rounds closed before, all of it.
    const nextYearFrom = patched('late-december-provisional') ? NEXT_YEAR_REACHES_DECEMBER : 1;
    const due = dueAtEndOfOfficeDay(
      workingCalendar(files, { nextYearFrom }),
      closedAt,
      input.notice.workingDays,
      input.notice.officeClose,
    );
    noticeEndsAt = due.dueAt;
    provisional = due.provisional;
  }
  Object.assign(view, {
    phase: 'public_notice',
    closedAt,
    closedBy: closedBy.by,
    noticeEndsAt,
    ...(provisional ? { noticeEndsProvisional: true } : {}),
  });
  event({ type: 'closed', actor: closedBy.by, what: `round ${round.id} closed and ranked`, why: closedBy.reason });
  event({ type: 'published', actor: SYSTEM, what: 'ranking published for public notice', data: { noticeEndsAt } });
  await publish();
  await tell(
    [...ranked.values()].flatMap((list) =>
      list
        .filter((e) => e.status !== 'left')
        .map((e) => ({
          caseId: e.caseId,
          news: {
            kind: 'ranked' as const,
            roundId: round.id,
            rank: e.rank,
            admitted: e.status === 'admitted',
            ...cutoffField(list),
            noticeEndsAt,
            ...(provisional ? { noticeEndsProvisional: true } : {}),
            ...slotOf(e.district),
          },
        })),
    ),
  );

  // ---- public notice, then final once no objection is open ---------------------------------------
  const untilNoticeEnd = Date.parse(noticeEndsAt) - Date.now();
  if (untilNoticeEnd > 0) await sleep(untilNoticeEnd);
  // An objection is marked resolved before its upheld entry's slot is given back and the next in
  // line admitted and told. Before the patch the final news could be built in between: the next
  // in line then heard "not admitted" and the cut-off left it out.
  const afterResolutions = patched('final-after-resolutions');
  await condition(() => view.objections.every((o) => o.status !== 'open') && (!afterResolutions || resolving === 0));
  view.phase = 'final';
  view.finalisedAt = now();
  event({ type: 'finalised', actor: SYSTEM, what: 'public notice over: the ranking is final' });
  await publish();
  await tell(
    [...ranked.values()].flatMap((list) =>
      list
        .filter((e) => e.status !== 'removed' && e.status !== 'left')
        .map((e) => ({
          caseId: e.caseId,
          news: {
            kind: 'final' as const,
            roundId: round.id,
            rank: e.rank,
            admitted: e.status === 'admitted',
            ...cutoffField(list),
          },
        })),
    ),
  );
  await condition(allHandlersFinished);
  await published;
  return snapshot(view);
}

/** What a round's Schedule starts: opens or closes the round through an activity with the client. */
export async function admissionRoundTrigger(input: { roundId: string; action: 'open' | 'close' }): Promise<{ done: string }> {
  // Returns what it did: a void result failed to encode through the payload codec (a workflow
  // task failing on completion, seen recording histories).
  return acts.triggerAdmissionRound(input);
}
