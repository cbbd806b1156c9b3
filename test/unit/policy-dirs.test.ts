/**
 * POINTS_DIR, AUTHORITIES_DIR and CALENDAR_DIR (config/config.ts): a city keeps its points
 * policy, authorities and working-day calendar outside the repository, as ROUNDS_DIR and
 * CAPACITY_DIR allow for theirs. Each folder here is a copy of the shipped one with a change or a
 * broken file, reached only through the configuration, so an ignored variable reads the shipped
 * folder and the test fails: the API's readiness warning, its pages and queries, and the worker's
 * activities and letters.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Request } from 'express';
import type { Connection } from 'mongoose';
import { createDeadlineActivities } from '../../activities/deadline.activities';
import { createPolicyActivities } from '../../activities/policy.activities';
import type { ApiDeps } from '../../api/deps';
import { readinessWarnings } from '../../api/readiness-warnings';
import { configuredCoverage } from '../../app/queries/calendar-coverage';
import { staleSince } from '../../app/queries/stale-since';
import type { ApplicantCaseView } from '../../app/views/case-views';
import { CONFIG_KEYS, loadConfig, type Config } from '../../config/config';
import { unknownVariables } from '../../config/unknown-variables';
import { CALENDAR_DIR } from '../../policy/calendar-files';
import { AUTHORITIES_DIR, POLICY_DIR } from '../../policy/policy-files';
import { appealRightsText } from '../../web/pages/applicant/appeal-rights';
import { createActivityDeps } from '../../worker/activity-deps';

const folders: string[] = [];
/** A copy of a shipped policy folder, changed by `edit` (file name → its JSON, or a text to write). */
function copyOf(shipped: string, edit: (json: (name: string) => Record<string, unknown>) => Record<string, unknown | string>) {
  const dir = mkdtempSync(join(tmpdir(), 'hukou-policy-dir-'));
  folders.push(dir);
  cpSync(shipped, dir, { recursive: true });
  const json = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
  for (const [name, content] of Object.entries(edit(json)))
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}
after(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));

const BROKEN = '{"version": ';
const configWith = (env: Record<string, string>): Config => loadConfig(env);
/** The API's /readyz warnings; Temporal is not asked (its poller check fails quietly here). */
const apiWarnings = (config: Config) => readinessWarnings({ config, temporal: {} } as unknown as ApiDeps)();
const noMongo = {} as Connection;

describe('POINTS_DIR, AUTHORITIES_DIR and CALENDAR_DIR', () => {
  it('when they are set, then the configuration keeps them and no unknown-variable warning names them', () => {
    // Arrange
    const env = { POINTS_DIR: '/srv/city/points', AUTHORITIES_DIR: '/srv/city/authorities', CALENDAR_DIR: '/srv/city/calendar' };

    // Act
    const config = configWith(env);

    // Assert
    assert.deepEqual(
      { POINTS_DIR: config.POINTS_DIR, AUTHORITIES_DIR: config.AUTHORITIES_DIR, CALENDAR_DIR: config.CALENDAR_DIR },
      env,
    );
    for (const name of Object.keys(env)) assert.ok((CONFIG_KEYS as string[]).includes(name), name);
    assert.deepEqual(unknownVariables(env), []);
  });

  for (const [variable, shipped, file] of [
    ['POINTS_DIR', POLICY_DIR, 'xian-2016-v2.json'],
    ['AUTHORITIES_DIR', AUTHORITIES_DIR, 'xian-2024-v1.json'],
    ['CALENDAR_DIR', CALENDAR_DIR, '2026.json'],
  ] as const) {
    it(`when a file in ${variable}'s folder does not load, then /readyz warns policy-files-invalid naming it there`, async () => {
      // Arrange
      const dir = copyOf(shipped, () => ({ [file]: BROKEN }));

      // Act
      const warnings = await apiWarnings(configWith({ [variable]: dir }));

      // Assert
      assert.deepEqual(
        warnings.map((w) => w.code),
        ['policy-files-invalid'],
      );
      assert.ok(warnings[0]!.message.includes(join(dir, file)), warnings[0]!.message);
    });
  }

  it('when POINTS_DIR holds a changed threshold, then the worker scores under it; a broken file there stops the worker', async () => {
    // Arrange
    const changed = copyOf(POLICY_DIR, (json) => ({ 'xian-2016-v2.json': { ...json('xian-2016-v2.json'), threshold: 64 } }));
    const broken = copyOf(POLICY_DIR, () => ({ 'xian-2016-v1.json': BROKEN }));

    // Act
    const policy = await createPolicyActivities(
      createActivityDeps(noMongo, configWith({ POINTS_DIR: changed })),
    ).loadPointsPolicy({
      version: 'xian-2016-v2',
    });

    // Assert: the shipped version's threshold is 70; the letters' renderer validates the folder at start.
    assert.equal(policy.threshold, 64);
    assert.throws(
      () => createActivityDeps(noMongo, configWith({ POINTS_DIR: broken })),
      (err: Error) => err.message.includes(join(broken, 'xian-2016-v1.json')),
    );
  });

  it('when AUTHORITIES_DIR names another reconsideration body, then the applicant page names it; a broken file there stops the worker', () => {
    // Arrange
    const changed = copyOf(AUTHORITIES_DIR, (json) => {
      const file = json('xian-2024-v1.json') as {
        departments: Record<string, { reconsideration: { body: Record<string, string> } }>;
      };
      file.departments.housing!.reconsideration.body['zh-CN'] = '某市人民政府';
      return { 'xian-2024-v1.json': file };
    });
    const broken = copyOf(AUTHORITIES_DIR, () => ({ 'xian-2024-v1.json': BROKEN }));
    const config = configWith({ AUTHORITIES_DIR: changed });
    const refused = {
      route: 'town',
      outcome: {
        status: 'rejected',
        at: '2026-11-20T03:00:00.000Z',
        reasons: [{ code: 'no_legal_residence', department: 'housing' }],
        appealRights: 'x',
      },
    } as unknown as ApplicantCaseView;

    // Act
    const text = appealRightsText({ locale: 'zh-CN' } as unknown as Request, refused, config.AUTHORITIES_DIR);

    // Assert: the shipped file names 西安市人民政府.
    assert.match(text ?? '', /向某市人民政府申请行政复议/);
    assert.throws(
      () => createActivityDeps(noMongo, configWith({ AUTHORITIES_DIR: broken })),
      (err: Error) => err.message.includes(join(broken, 'xian-2024-v1.json')),
    );
  });

  it('when CALENDAR_DIR makes a Monday a holiday and lacks 2025, then the worker, the stale list and the coverage warning count on it', async () => {
    // Arrange: 2026-12-07 is a Monday and a working day in the shipped 2026 file.
    const dir = copyOf(CALENDAR_DIR, (json) => {
      const file = json('2026.json') as { days: unknown[] };
      return { '2026.json': { ...file, days: [...file.days, { name: '测试', date: '2026-12-07', isOffDay: true }] } };
    });
    rmSync(join(dir, '2025.json'));
    const config = configWith({ CALENDAR_DIR: dir });

    // Act
    const years = await createDeadlineActivities(createActivityDeps(noMongo, config)).loadWorkingCalendar({ fromYear: 2024 });
    const since = staleSince(config, 1, new Date('2026-12-08T02:00:00Z'));
    const coverage = configuredCoverage(config, { today: () => '2025-06-02' });

    // Assert: with the shipped calendar, 2025 is there and one working day before Tuesday is Monday.
    assert.deepEqual(
      years.map((y) => y.year),
      [2024, 2026],
    );
    assert.equal(since, '2026-12-04T02:00:00.000Z');
    assert.deepEqual(coverage.missing, [2025]);
    assert.ok(coverage.message?.includes(join(dir, '2025.json')), coverage.message);
  });
});
