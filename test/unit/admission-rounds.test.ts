/**
 * The ranked rounds' pure rules (domain/admission-rounds.ts, issue 13): every tie-break step in
 * its documented order, the places a round may fill (what earlier rounds leave or free passes on),
 * which round a case joins, and the rounds file's refusals (domain/admission-rounds.parse.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  availableInRound,
  compareEntries,
  cutoffScore,
  markLeft,
  nextInLine,
  objectable,
  rankDistrict,
  roundAfter,
  roundToJoin,
  type RankedEntry,
  type RoundEntryInput,
  type RoundsFile,
} from '../../domain/admission-rounds';
import { parseRoundsFile } from '../../domain/admission-rounds.parse';
import { DISTRICTS, type District } from '../../domain/vocabulary';

const quota = (n: number, overrides: Partial<Record<District, number>> = {}) =>
  ({ ...Object.fromEntries(DISTRICTS.map((d) => [d, n])), ...overrides }) as Record<District, number>;

const file = (year: number, rounds: RoundsFile['rounds']): RoundsFile => ({
  version: `test-rounds-${year}`,
  year,
  setBy: 'test',
  noticeWorkingDays: 7,
  rounds,
});

const year2026 = file(2026, [
  { id: '2026-1', opensOn: '2026-01-05', closesOn: '2026-06-30', quota: quota(3, { beilin: 2 }) },
  { id: '2026-2', opensOn: '2026-07-01', closesOn: '2026-12-31', quota: quota(3, { beilin: 1 }) },
]);
const year2027 = file(2027, [{ id: '2027-1', opensOn: '2027-01-04', closesOn: '2027-06-30', quota: quota(3) }]);

let serial = 0;
const entry = (over: Partial<RoundEntryInput> = {}): RoundEntryInput => ({
  caseId: `c-${++serial}`,
  caseNumber: `HK-2026-${String(serial).padStart(6, '0')}`,
  district: 'beilin',
  name: '张三',
  idNumber: '11010519491231002X',
  score: 80,
  breakdown: [],
  socialInsuranceYears: 5,
  continuousResidenceYears: 5,
  submittedAt: '2026-03-01T02:00:00.000Z',
  ...over,
});

/** The case ids in ranked order. */
const order = (...entries: RoundEntryInput[]) => rankDistrict(entries, 0).map((e) => e.caseId);

describe('admission rounds (pure rules)', () => {
  describe('the ranking order and its tie-breaks', () => {
    it('when scores differ, then the higher score ranks first, whatever the tie-break facts say', () => {
      const low = entry({
        score: 70,
        socialInsuranceYears: 20,
        continuousResidenceYears: 20,
        submittedAt: '2026-01-05T00:00:00Z',
      });
      const high = entry({ score: 71 });
      assert.deepEqual(order(low, high), [high.caseId, low.caseId]);
    });

    it('when scores tie, then more years of social insurance rank first, before residence and submission time', () => {
      const fewer = entry({ socialInsuranceYears: 4, continuousResidenceYears: 20, submittedAt: '2026-01-05T00:00:00Z' });
      const more = entry({ socialInsuranceYears: 5 });
      assert.deepEqual(order(fewer, more), [more.caseId, fewer.caseId]);
    });

    it('when score and social insurance tie, then more years of continuous residence rank first, before submission time', () => {
      const fewer = entry({ continuousResidenceYears: 3, submittedAt: '2026-01-05T00:00:00Z' });
      const more = entry({ continuousResidenceYears: 4 });
      assert.deepEqual(order(fewer, more), [more.caseId, fewer.caseId]);
    });

    it('§2 when the tie-break years differ only by a fraction, then completed years count, and the earlier submission decides', () => {
      // 4.9 and 4.1 years of insurance are both 4 completed years, as the published points count them.
      const laterMore = entry({ socialInsuranceYears: 4.9, submittedAt: '2026-03-02T00:00:00Z' });
      const earlierFewer = entry({ socialInsuranceYears: 4.1, submittedAt: '2026-03-01T00:00:00Z' });
      assert.deepEqual(order(laterMore, earlierFewer), [earlierFewer.caseId, laterMore.caseId]);
      const residenceLater = entry({ continuousResidenceYears: 3.8, submittedAt: '2026-03-02T00:00:00Z' });
      const residenceEarlier = entry({ continuousResidenceYears: 3.2, submittedAt: '2026-03-01T00:00:00Z' });
      assert.deepEqual(order(residenceLater, residenceEarlier), [residenceEarlier.caseId, residenceLater.caseId]);
      // A whole year more still ranks first.
      const more = entry({ socialInsuranceYears: 5.0, submittedAt: '2026-03-02T00:00:00Z' });
      assert.deepEqual(order(earlierFewer, more), [more.caseId, earlierFewer.caseId]);
      // A round closed before the `whole-year-tiebreak` patch compared the years as sent.
      assert.deepEqual(
        rankDistrict([laterMore, earlierFewer], 0, { wholeYears: false }).map((e) => e.caseId),
        [laterMore.caseId, earlierFewer.caseId],
      );
    });

    it('when those tie too, then the earlier submission ranks first (instants compared, not strings)', () => {
      // 10:00 in Shanghai (+08:00) is 02:00Z: earlier than 03:00Z although its text sorts later.
      const later = entry({ submittedAt: '2026-03-01T03:00:00.000Z' });
      const earlier = entry({ submittedAt: '2026-03-01T10:00:00+08:00' });
      assert.deepEqual(order(later, earlier), [earlier.caseId, later.caseId]);
    });

    it('when everything ties, then the case number decides, so that every replay ranks alike', () => {
      const b = entry({ caseNumber: 'HK-2026-000200' });
      const a = entry({ caseNumber: 'HK-2026-000100' });
      assert.deepEqual(order(b, a), [a.caseId, b.caseId]);
      assert.deepEqual(order(a, b), [a.caseId, b.caseId]);
      assert.equal(compareEntries(a, { ...a }), 0);
    });

    it('when a district is ranked, then ranks count from 1, entry ids are district-rank, the top N are admitted and the cut-off is the lowest admitted score', () => {
      const entries = [entry({ score: 60 }), entry({ score: 90 }), entry({ score: 75 })];
      const ranked = rankDistrict(entries, 2);
      assert.deepEqual(
        ranked.map((e) => [e.entryId, e.rank, e.score, e.status]),
        [
          ['beilin-1', 1, 90, 'admitted'],
          ['beilin-2', 2, 75, 'admitted'],
          ['beilin-3', 3, 60, 'not_admitted'],
        ],
      );
      assert.equal(cutoffScore(ranked), 75);
      assert.equal(nextInLine(ranked)?.entryId, 'beilin-3');
      assert.equal(cutoffScore(rankDistrict(entries, 0)), undefined, 'nobody admitted, no cut-off');
      assert.equal(nextInLine(rankDistrict(entries, 3)), undefined, 'the list is exhausted');
    });

    it('when ranked cases end during the notice, then their entries are left, the cut-off stays, and the next in line is never an ended case', () => {
      const entries = [entry({ score: 60 }), entry({ score: 90 }), entry({ score: 75 }), entry({ score: 50 })];
      const ranked = rankDistrict(entries, 2);
      const [first, second, third, fourth] = ranked as [RankedEntry, RankedEntry, RankedEntry, RankedEntry];
      second.status = 'removed';
      const changed = markLeft(ranked, new Set([second.caseId, first.caseId, third.caseId, 'a-case-not-ranked']));
      assert.deepEqual(
        changed.map((e) => e.entryId),
        ['beilin-1', 'beilin-3'],
        'a removed entry stays removed',
      );
      assert.deepEqual(
        ranked.map((e) => [e.status, e.leftWhile]),
        [
          ['left', 'admitted'],
          ['removed', undefined],
          ['left', 'not_admitted'],
          ['not_admitted', undefined],
        ],
      );
      assert.equal(cutoffScore(ranked), 90, 'the line drawn with the case that left');
      assert.equal(nextInLine(ranked)?.entryId, fourth.entryId);
      assert.deepEqual(markLeft(ranked, new Set([first.caseId])), [], 'marking twice changes nothing');
      assert.deepEqual(
        ranked.map((e) => objectable(e.status)),
        [false, false, false, true],
      );
    });
  });

  describe('places a round may fill', () => {
    it('when the first round is ranked, then it fills its own quota less slots already held', () => {
      assert.equal(availableInRound(year2026, '2026-1', 'beilin', 0), 2);
      assert.equal(availableInRound(year2026, '2026-1', 'beilin', 2), 0);
    });

    it('when an earlier round left places unfilled or an admitted case gave its slot back, then the next round gets them', () => {
      // One slot held this year (round 1 admitted one of its two, or admitted two and one later
      // failed and gave its slot back): round 2 has its own one plus the one passed on.
      assert.equal(availableInRound(year2026, '2026-2', 'beilin', 1), 2);
      // Both still held: only round 2's own place.
      assert.equal(availableInRound(year2026, '2026-2', 'beilin', 2), 1);
    });

    it('when more slots are held than the year’s quotas so far, then none is available (never negative); an unknown round is refused', () => {
      assert.equal(availableInRound(year2026, '2026-2', 'beilin', 9), 0);
      assert.throws(() => availableInRound(year2026, '2026-9', 'beilin', 0), /round 2026-9 is not in test-rounds-2026/);
    });
  });

  describe('the round a case joins', () => {
    const files = [year2027, year2026];

    it('when a round is open on the day, then the case joins it; between rounds, the next to open', () => {
      assert.equal(roundToJoin(files, '2026-03-01')?.round.id, '2026-1');
      assert.equal(roundToJoin(files, '2026-06-30')?.round.id, '2026-1', 'the closing day is still open');
      assert.equal(roundToJoin(files, '2026-01-01')?.round.id, '2026-1', 'before the first opens: that one');
      assert.equal(roundToJoin(files, '2027-01-01')?.round.id, '2027-1', 'across the year boundary');
    });

    it('when the open round was closed early (or already ranked), then the case skips it for the next', () => {
      assert.equal(roundToJoin(files, '2026-03-01', new Set(['2026-1']))?.round.id, '2026-2');
      assert.equal(roundToJoin(files, '2026-03-01', new Set(['2026-1', '2026-2']))?.round.id, '2027-1');
    });

    it('when no file announces a later round, then there is none to join', () => {
      assert.equal(roundToJoin(files, '2027-07-01'), undefined);
      assert.equal(roundToJoin(files, '2026-03-01', new Set(['2026-1', '2026-2', '2027-1'])), undefined);
      assert.equal(roundAfter(files, '2026-1')?.id, '2026-2');
      assert.equal(roundAfter(files, '2027-1'), undefined);
    });
  });

  describe('rounds files', () => {
    const good = () => JSON.parse(JSON.stringify(year2026)) as Record<string, unknown> & { rounds: Record<string, unknown>[] };
    const refused = (json: unknown, pattern: RegExp) => assert.throws(() => parseRoundsFile(json, 'x.json'), pattern);

    it('when the file is well formed, then it is read as it is', () => {
      assert.deepEqual(parseRoundsFile(good(), 'x.json'), year2026);
    });

    it('when a district has no quota in a round, then the file is refused (a forgotten district must not read as no places)', () => {
      const f = good();
      delete (f.rounds[0]!.quota as Record<string, number>).beilin;
      refused(f, /invalid rounds file x\.json: rounds\.0\.quota\.beilin/);
    });

    it('when a round closes before it opens, lies outside the year, overlaps another or is listed out of order, then the file is refused, naming it', () => {
      const backwards = good();
      backwards.rounds[0]!.closesOn = '2026-01-01';
      refused(backwards, /rounds\.0: closesOn is before opensOn/);

      const outside = good();
      outside.rounds[1]!.closesOn = '2027-01-10';
      refused(outside, /rounds\.1: the round must lie in 2026/);

      const overlapping = good();
      overlapping.rounds[1]!.opensOn = '2026-06-30';
      refused(overlapping, /rounds\.1: opens before round 2026-1 closes/);

      const unordered = good();
      unordered.rounds.reverse();
      refused(unordered, /rounds: rounds must be listed in the order they open/);
    });

    it('when a field is unknown, a quota negative, an id badly spelt, the notice period out of range or no round is given, then the file is refused', () => {
      refused({ ...good(), extra: 1 }, /\(root\)|extra/);
      const negative = good();
      (negative.rounds[0]!.quota as Record<string, number>).beilin = -1;
      refused(negative, /rounds\.0\.quota\.beilin/);
      const badId = good();
      badId.rounds[0]!.id = 'Round 1';
      refused(badId, /rounds\.0\.id: lower-case letters/);
      refused({ ...good(), noticeWorkingDays: 0 }, /noticeWorkingDays/);
      refused({ ...good(), rounds: [] }, /rounds/);
    });
  });
});
