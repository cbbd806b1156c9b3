/**
 * A closed day's dashboard facts packed as strings (models/case-fact-day.model.ts): packing and
 * unpacking keeps every field the figures count and filter by.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packFact, unpackFact, type CountedFact } from '../../models/case-fact-day.model';

describe('fact packs', () => {
  it('when facts of every shape are packed and unpacked, then they come back equal', () => {
    const facts: CountedFact[] = [
      { kind: 'opened', day: '2026-11-03', route: 'points', area: 'yanta', persons: 1 },
      { kind: 'ended', day: '2026-11-03', route: 'town', area: 'zhouzhi', outcome: 'settled', persons: 4 },
      {
        kind: 'decided',
        day: '2026-11-03',
        route: 'points',
        area: 'beilin',
        department: 'hrss',
        outcome: 'approve',
        withinSla: false,
        tenths: 0,
      },
      {
        kind: 'decided',
        day: '2026-11-03',
        route: 'town',
        area: 'huyi',
        department: 'police',
        outcome: 'reject',
        withinSla: true,
        tenths: 125,
      },
    ];

    const back = facts.map((f) => unpackFact(packFact(f), f.day));

    assert.deepEqual(back, facts);
  });

  it('when a pack made before persons were counted is read, then its facts have no persons', () => {
    assert.deepEqual(unpackFact('ended|points|yanta||settled||', '2026-11-03'), {
      kind: 'ended',
      day: '2026-11-03',
      route: 'points',
      area: 'yanta',
      outcome: 'settled',
    });
  });
});
