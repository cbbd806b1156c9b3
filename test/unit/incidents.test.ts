/**
 * Incidents (app/views/incidents.ts): what keeps failing on a case, as the stuck list, its CSV and
 * the supervisor's case page show it, with the last error and the rounds tried.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incidentsOf } from '../../app/views/incidents';
import type { CaseState } from '../../domain/case-state';
import { incidentText } from '../../web/pages/incident-text';
import { stepState } from '../support/step-state';

const step = stepState;

describe('incidents', () => {
  it('when a lookup keeps failing and a release keeps failing, then each is one incident with its error and rounds', () => {
    // Arrange
    const c: Pick<CaseState, 'steps' | 'compensationFailures'> = {
      steps: {
        police: step('police', { status: 'check_failed', checkFailures: 3, lastCheckError: 'police system timed out' }),
        housing: step('housing'),
      },
      compensationFailures: [
        {
          label: 'school_place:child-2',
          kind: 'school_place',
          department: 'education',
          error: 'connection refused',
          rounds: 2,
          since: '2026-12-01T10:00:00.000Z',
          lastAt: '2026-12-01T10:05:00.000Z',
        },
      ],
    };

    // Act
    const incidents = incidentsOf(c);

    // Assert
    assert.deepEqual(incidents, [
      { kind: 'lookup', department: 'police', error: 'police system timed out', rounds: 3, lastAt: undefined },
      {
        kind: 'compensation',
        department: 'education',
        reservationKind: 'school_place',
        error: 'connection refused',
        rounds: 2,
        since: '2026-12-01T10:00:00.000Z',
        lastAt: '2026-12-01T10:05:00.000Z',
      },
    ]);
    assert.equal(incidentText(incidents[1]!, 'zh-CN'), '撤销失败 · 市教育局 · 随迁子女学位 · 已重试2轮 · connection refused');
    assert.equal(
      incidentText(incidents[0]!, 'en'),
      'lookup failing · Public Security Bureau · 3 round(s) failed · police system timed out',
    );
  });

  it('when a register does not take a commit, then the incident says whether it refused or did not answer (a refusal recorded before the distinction reads as one)', () => {
    // Arrange
    const failure = {
      label: 'provisional_registration:household',
      kind: 'provisional_registration' as const,
      department: 'police' as const,
      error: 'The police register provisional_registration is unavailable: HTTP 503: down',
      rounds: 1,
      since: '2026-12-01T10:00:00.000Z',
      lastAt: '2026-12-01T10:00:15.000Z',
    };

    // Act
    const [unavailable] = incidentsOf({
      steps: {},
      compensationFailures: [],
      commitFailures: [{ ...failure, cause: 'unavailable' }],
    });
    const [older] = incidentsOf({ steps: {}, compensationFailures: [], commitFailures: [failure] });

    // Assert
    assert.equal(unavailable?.cause, 'unavailable');
    assert.equal(older?.cause, 'refused');
    assert.match(incidentText(unavailable!, 'zh-CN'), /^部门登记写入失败 · 市公安局 · .+ · 部门系统无响应 · 已重试1轮/);
    assert.match(incidentText(older!, 'en'), /register write failing · .+ · refused by the register · 1 round\(s\) failed/);
  });

  it('when nothing fails, then there is no incident (a case written before incidents existed has none)', () => {
    assert.deepEqual(incidentsOf({ steps: { police: step('police') } }), []);
  });
});
