/** What the public and supervisors see of an admission round (app/views/round-views.ts; issue 13). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publicRoundView, roundSummary, supervisorRoundView } from '../../app/views/round-views';
import { objectionIdOf } from '../../app/commands/admission-rounds';
import { findRound } from '../../domain/admission-rounds';
import { loadRoundsFiles } from '../../policy/round-files';
import { CLOSE_REASON, OBJECTION_REASON, OBJECTOR_ID, noticeRoundView, rankingDoc } from '../support/published-rounds';

const found = findRound(loadRoundsFiles(), '2026-1');

describe('admission round views', () => {
  it('when the public reads a round in its notice period, then it sees the masked ranking and no objection text, objector or actor', () => {
    // Arrange
    const doc = rankingDoc(noticeRoundView());

    // Act
    const view = publicRoundView({ found, doc }, '2026-05-22');

    // Assert
    const json = JSON.stringify(view);
    assert.equal(view.stage, 'public_notice');
    assert.equal(view.published, true);
    assert.equal(view.closedEarly, true);
    assert.equal(view.districts[0]!.entries[1]!.openObjections, 1);
    assert.equal(view.districts[0]!.cutoff, 74);
    for (const secret of [OBJECTION_REASON, OBJECTOR_ID, CLOSE_REASON, 'supervisor-1', 'objections', 'closedBy', 'actor'])
      assert.ok(!json.includes(secret), `the public view holds ${secret}`);
    assert.deepEqual(view.events, [
      { at: '2026-05-20T02:00:00.000Z', type: 'closed' },
      { at: '2026-05-21T01:00:00.000Z', type: 'objection_lodged', entryId: 'beilin-2' },
    ]);
  });

  it('when the workflow adds a field to its view or an entry, then the public view does not carry it', () => {
    const base = noticeRoundView();
    const leaky = {
      ...base,
      applicantNames: ['张三'],
      districts: base.districts.map((d) => ({ ...d, entries: d.entries.map((e) => ({ ...e, caseId: 'secret-case-id' })) })),
    };
    const json = JSON.stringify(publicRoundView({ found, doc: rankingDoc(leaky) }, '2026-05-22'));
    assert.ok(!json.includes('张三') && !json.includes('secret-case-id'));
  });

  it('when a round is open, then nothing is ranked publicly yet; before its first day it is upcoming', () => {
    const open = publicRoundView(
      { found, doc: rankingDoc(noticeRoundView('2026-1', { phase: 'open', waiting: 4 })) },
      '2026-03-01',
    );
    assert.equal(open.stage, 'open');
    assert.equal(open.published, false);
    assert.equal(open.waiting, 4);
    assert.deepEqual(open.districts, []);
    const upcoming = publicRoundView({ found: findRound(loadRoundsFiles(), '2026-2') }, '2026-03-01');
    assert.equal(upcoming.stage, 'upcoming');
    assert.equal(upcoming.quota?.beilin, 3);
    assert.equal(publicRoundView({ found }, '2026-03-01').stage, 'open');
  });

  it('when a round no case joined is past its closing day, then it is over (final) with nothing ranked, not open', () => {
    // 2026-1 closes on 2026-06-30: open through that day, over the day after.
    assert.equal(publicRoundView({ found }, '2026-06-30').stage, 'open');
    const over = publicRoundView({ found }, '2026-07-01');
    assert.equal(over.stage, 'final');
    assert.equal(over.published, false);
    assert.deepEqual(over.districts, []);
    assert.equal(roundSummary({ found }, '2026-12-04').stage, 'final');
  });

  it('when a case joins a round before its first day (the one before closed early), then it is upcoming with the case waiting, open from that day', () => {
    const doc = rankingDoc(noticeRoundView('2026-1', { phase: 'open', waiting: 1 }));
    const early = publicRoundView({ found, doc }, '2026-01-02');
    assert.equal(early.stage, 'upcoming');
    assert.equal(early.waiting, 1);
    assert.equal(publicRoundView({ found, doc }, '2026-01-05').stage, 'open');
  });

  it('when a round is ranked, then nothing is waiting in it any more, whatever count the workflow kept', () => {
    const doc = rankingDoc({ ...noticeRoundView(), waiting: 3 });
    assert.equal(publicRoundView({ found, doc }, '2026-05-22').waiting, 0);
    assert.equal(roundSummary({ found, doc }, '2026-05-22').waiting, 0);
  });

  it('when a supervisor reads the round, then every objection has its reason and objector, and the events their actors', () => {
    const view = supervisorRoundView({ found, doc: rankingDoc(noticeRoundView()) }, '2026-05-22', 'admission-round-2026-1');
    assert.equal(view.objections[0]!.reason, OBJECTION_REASON);
    assert.equal(view.objections[0]!.lodgedBy.id, OBJECTOR_ID);
    assert.equal(view.events[0]!.why, CLOSE_REASON);
    assert.equal(view.closedBy?.id, 'supervisor-1');
    assert.equal(view.workflowId, 'admission-round-2026-1');
  });

  it('when rounds are listed, then each carries its counts of entries, admissions and open objections', () => {
    const summary = roundSummary({ found, doc: rankingDoc(noticeRoundView()) }, '2026-05-22');
    assert.deepEqual(
      { entries: summary.entries, admitted: summary.admitted, openObjections: summary.openObjections },
      { entries: 3, admitted: 2, openObjections: 1 },
    );
  });

  it('when the same person sends the same key twice, then it is one objection id; another person or key, another id', () => {
    const a = { sub: 'a', role: 'applicant' } as const;
    const b = { sub: 'b', role: 'applicant' } as const;
    assert.equal(objectionIdOf(a, 'k-12345678'), objectionIdOf(a, 'k-12345678'));
    assert.notEqual(objectionIdOf(a, 'k-12345678'), objectionIdOf(b, 'k-12345678'));
    assert.notEqual(objectionIdOf(a, 'k-12345678'), objectionIdOf(a, 'k-87654321'));
    assert.match(objectionIdOf(a, 'x'), /^[0-9a-f]{32}$/);
  });
});
