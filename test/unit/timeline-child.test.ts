/**
 * §21–23: the applicant's timeline names the child a school-place line is about (the trail records
 * "child 2 …"): a family with two children could not tell which one waits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timelineChild } from '../../web/pages/applicant/timeline-child';

const placements = [
  { personIndex: 1, name: '王小宝' },
  { personIndex: 2, name: '王小贝' },
];

describe('which child a timeline line is about', () => {
  it('when a child joins the waiting list or is placed, then the line names that child, not the other', () => {
    assert.equal(
      timelineChild({ type: 'school_place_waiting', what: 'child 2 waits for a kindergarten place' }, placements),
      '王小贝',
    );
    assert.equal(
      timelineChild({ type: 'school_place_confirmed', what: 'child 1 placed from the waiting list' }, placements),
      '王小宝',
    );
    assert.equal(
      timelineChild({ type: 'school_place_confirmed', what: 'child 2 placed at a school elsewhere in the area' }, placements),
      '王小贝',
    );
  });

  it('when a line is of another kind, or names no child the case holds, then no child is named', () => {
    assert.equal(timelineChild({ type: 'commit', what: 'child 1 waits for a kindergarten place' }, placements), undefined);
    assert.equal(
      timelineChild({ type: 'school_place_waiting', what: 'child 3 waits for a primary place' }, placements),
      undefined,
    );
    assert.equal(timelineChild({ type: 'school_place_waiting', what: 'waits' }, placements), undefined);
    assert.equal(
      timelineChild({ type: 'school_place_waiting', what: 'child 1 waits' }, [{ personIndex: 1, name: '' }]),
      undefined,
    );
  });
});
