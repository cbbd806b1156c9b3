/** Whether deadlines counted on a day rest on published holiday calendars (app/queries/calendar-coverage.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import { after } from 'node:test';
import type { Gauge } from 'prom-client';
import { createConnection } from 'mongoose';
import { createMetrics } from '../../api/metrics';
import { calendarCoverage, configuredCoverage, deadlineHorizon } from '../../app/queries/calendar-coverage';
import { calendarFolder } from '../support/calendar-folder';
import { loadConfig } from '../../config/config';
import { supplementResponseWorkingDays } from '../../app/commands/submit-application';
import { supplementWorkingDays, type WorkingDaySla } from '../../workflows/settlement-case/messages';

describe('calendarCoverage', () => {
  it('when every day a deadline can reach has its year’s calendar, then nothing is provisional', () => {
    const c = calendarCoverage(15, '2026-06-01');
    assert.equal(c.provisional, false);
    assert.deepEqual(c.missing, []);
    assert.equal(c.message, undefined);
    assert.ok(c.years.includes(2026));
  });

  it('when a deadline counted in December reaches into a year without a file, then that year is named, with the file to add', () => {
    const c = calendarCoverage(15, '2026-12-01');
    assert.equal(c.provisional, true);
    assert.deepEqual(c.missing, [2027]);
    assert.match(c.message!, /2027 \(policy\/calendar\/2027\.json\)/);
  });

  it('when today’s own year has no file, then it is missing too', () => {
    const c = calendarCoverage(5, '2031-03-02');
    assert.deepEqual(c.missing, [2031]);
  });

  it('when the deadlines are configured, then the horizon is the longest of them', () => {
    assert.equal(deadlineHorizon(loadConfig({ SUPPLEMENT_RESPONSE_WORKING_DAYS: '20', SLA_HRSS_WORKING_DAYS: '30' })), 30);
    // By default a waiting child's placement deadline (20) is the longest.
    assert.equal(deadlineHorizon(loadConfig({})), 20);
    assert.equal(deadlineHorizon(loadConfig({ SCHOOL_PLACEMENT_WORKING_DAYS: '3' })), 15);
    assert.equal(deadlineHorizon(loadConfig({ SCHOOL_PLACEMENT_WORKING_DAYS: '45' })), 45);
  });

  it('when one department has its own, longer supplement deadline, then the horizon reaches it', () => {
    assert.equal(deadlineHorizon(loadConfig({ SUPPLEMENT_HOUSING_WORKING_DAYS: '40' })), 40);
    assert.equal(deadlineHorizon(loadConfig({ SUPPLEMENT_HOUSING_WORKING_DAYS: '3', SCHOOL_PLACEMENT_WORKING_DAYS: '3' })), 15);
  });
});

describe('per-department supplement deadlines', () => {
  it('when a department has its own knob, then its requests use it and the others fall back to the global one', () => {
    const sla = supplementResponseWorkingDays(
      loadConfig({ SUPPLEMENT_RESPONSE_WORKING_DAYS: '12', SUPPLEMENT_POLICE_WORKING_DAYS: '7' }),
    );
    assert.deepEqual(sla, { police: 7, hrss: 12, housing: 12, education: 12 });
  });

  it('when a case was started with one number for all (recorded histories), then every department reads that number', () => {
    const old: WorkingDaySla = {
      officerDecision: { police: 5, hrss: 5, housing: 5, education: 5 },
      supplementResponse: 15,
      officeClose: '17:00',
    };
    assert.equal(supplementWorkingDays(old, 'housing'), 15);
    const now: WorkingDaySla = { ...old, supplementResponse: { police: 7, hrss: 12, housing: 20, education: 12 } };
    assert.equal(supplementWorkingDays(now, 'housing'), 20);
  });
});

describe('the hukou_calendar_provisional metric', () => {
  const mongo = createConnection(); // never connected: the gauge reads files, not the database
  const lacking2027 = calendarFolder(false);
  const complete = calendarFolder(true);
  after(async () => {
    await mongo.close();
    for (const dir of [lacking2027, complete]) rmSync(dir, { recursive: true, force: true });
  });
  const gaugeValue = async (dir: string, today: string, env: Record<string, string> = {}) => {
    const { registry } = createMetrics(mongo, loadConfig(env), { dir, today: () => today });
    const gauge = registry.getSingleMetric('hukou_calendar_provisional') as Gauge | undefined;
    if (!gauge) return undefined;
    return (await gauge.get()).values[0]?.value;
  };

  it('when a deadline counted today reaches a year the folder lacks, then it is 1; once the file is there, 0', async () => {
    assert.equal(await gaugeValue(lacking2027, '2026-12-02'), 1);
    assert.equal(await gaugeValue(complete, '2026-12-02'), 0);
    assert.equal(await gaugeValue(lacking2027, '2026-06-01'), 0, 'in June no deadline reaches 2027');
    assert.deepEqual(configuredCoverage(loadConfig({}), { dir: lacking2027, today: () => '2026-12-02' }).missing, [2027]);
  });

  it('when deadlines count elapsed time, then there is no such metric', async () => {
    assert.equal(await gaugeValue(lacking2027, '2026-12-02', { DEADLINE_CLOCK: 'elapsed' }), undefined);
  });
});
