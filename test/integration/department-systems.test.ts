import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { Connection } from 'mongoose';
import { DEVELOPMENT_SIMULATOR_API_KEY } from '../../config/config';
import v1Json from '../../policy/points/xian-2016-v1.json';
import {
  createDepartmentSystemsClient,
  DEPARTMENT_SYSTEM_REJECTED,
  DepartmentSystemUnavailableError,
  type CheckLookup,
  type DepartmentSystemsClient,
  type UnavailableReason,
} from '../../activities/adapters/department-systems.client';
import type { CheckResultFor } from '../../domain/department-checks';
import { computeCheckDigit, validateIdNumber } from '../../domain/id-number';
import { scorePoints } from '../../domain/points-policy';
import { parsePointsPolicy } from '../../domain/points-policy.parse';
import { DEPARTMENTS, type Department } from '../../domain/vocabulary';
import { connectMongo } from '../../models/connection';
import { createSimulatorApp } from '../../tools/simulator/app';
import { ALL_DEMO_PEOPLE, DEMO_FAMILY, DEMO_PEOPLE, isSeeded, type DemoPerson } from '../../tools/simulator/demo-people';
import { departmentRecordModel } from '../../tools/simulator/records.model';
import { seedDepartmentSystems } from '../../tools/simulator/seed';
import { mongoUriFor } from '../support/services';

const TIMEOUT_MS = 400;
const { pointsHigh, pointsLow, badCredit, noHousing, parentWithChildren, unknownToPolice } = DEMO_PEOPLE;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function found<D extends Department>(lookup: CheckLookup<D>): CheckResultFor<D> {
  assert.equal(lookup.found, true, 'expected the person to be found');
  return (lookup as { found: true; result: CheckResultFor<D> }).result;
}

/** Asserts a retryable outage error that names the department and never the ID number. */
function unavailable(department: Department, reason: UnavailableReason, idNumber: string) {
  return (err: unknown) => {
    assert.ok(err instanceof DepartmentSystemUnavailableError, `expected DepartmentSystemUnavailableError, got ${String(err)}`);
    assert.equal(err.department, department);
    assert.equal(err.reason, reason);
    assert.match(err.message, new RegExp(`\\b${department}\\b`));
    assert.ok(!err.message.includes(idNumber), 'the message must not contain the ID number');
    assert.ok(!(err instanceof ApplicationFailure), 'an outage must stay retryable');
    return true;
  };
}

function rejected(idNumber: string) {
  return (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
    assert.equal(err.type, DEPARTMENT_SYSTEM_REJECTED);
    assert.equal(err.nonRetryable, true);
    assert.ok(!err.message.includes(idNumber), 'the message must not contain the ID number');
    return true;
  };
}

describe('department systems simulator and adapter (§8–9)', () => {
  let conn: Connection;
  let server: Server;
  let baseUrl: string;
  let client: DepartmentSystemsClient;

  async function faults(method: 'GET' | 'PUT' | 'DELETE', body?: unknown) {
    const res = await fetch(`${baseUrl}/__faults`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  before(async () => {
    conn = await connectMongo({
      uri: mongoUriFor(`test_simulator_${randomUUID().slice(0, 8)}`),
      serverSelectionTimeoutMS: 5000,
    });
    await seedDepartmentSystems(conn);
    server = createServer(createSimulatorApp({ conn, apiKeys: [DEVELOPMENT_SIMULATOR_API_KEY], faultInjection: true }));
    baseUrl = await listen(server);
    client = createDepartmentSystemsClient({ baseUrl, timeoutMs: TIMEOUT_MS, apiKey: DEVELOPMENT_SIMULATOR_API_KEY });
  });

  beforeEach(async () => {
    await faults('DELETE');
  });

  after(async () => {
    await stop(server);
    await conn.dropDatabase();
    await conn.close();
  });

  it('when the demo personas are built, then every ID number is a valid, unique GB 11643 number with a plausible birth date', () => {
    const ids = ALL_DEMO_PEOPLE.map((p) => p.idNumber);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of ALL_DEMO_PEOPLE) {
      const v = validateIdNumber(p.idNumber, { today: new Date().toISOString().slice(0, 10) });
      assert.ok(v.ok, `${p.name}: ${v.ok ? '' : v.message}`);
      assert.equal(v.value, p.idNumber);
      assert.match(p.idNumber, /^6101/);
      const year = Number(v.birthDate.slice(0, 4));
      if (p.relation === 'child') assert.ok(year >= 2012 && year <= 2022, `${p.name} born ${year}`);
      else assert.ok(year >= 1975 && year <= 2000, `${p.name} born ${year}`);
    }
    assert.equal(isSeeded(unknownToPolice), false);
  });

  it('when the simulator is asked for its health, then it answers up', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'up' });
  });

  it('when a seeded persona is looked up in every department, then each answer is exactly the typed result of its record', async () => {
    const r = pointsHigh.records;
    assert.deepEqual(found(await client.check('police', pointsHigh.idNumber, 'yanta')), { department: 'police', ...r.police });
    assert.deepEqual(found(await client.check('hrss', pointsHigh.idNumber, 'yanta')), { department: 'hrss', ...r.hrss });
    assert.deepEqual(found(await client.check('housing', pointsHigh.idNumber, 'yanta')), { department: 'housing', ...r.housing });
    assert.deepEqual(found(await client.check('education', pointsHigh.idNumber, 'yanta')), {
      department: 'education',
      educationLevel: 'bachelor',
    });
  });

  it('when the ID number has a lower-case check character x, then the system normalises it and finds the person', async () => {
    assert.match(parentWithChildren.idNumber, /X$/);
    const police = found(await client.check('police', parentWithChildren.idNumber.toLowerCase(), 'yanta'));
    assert.deepEqual(police, { department: 'police', ...parentWithChildren.records.police });
  });

  it('when optional fields are absent in a record, then the answer omits them rather than sending null', async () => {
    const police = found(await client.check('police', DEMO_PEOPLE.criminal.idNumber, 'lianhu'));
    assert.equal(police.criminalRecord, true);
    assert.ok(!('registeredBy' in police));
    const housing = found(await client.check('housing', noHousing.idNumber, 'changan'));
    assert.deepEqual(housing, { department: 'housing', residence: 'none' });
  });

  it('when a valid ID number is unknown to every system, then every department answers found:false', async () => {
    for (const department of DEPARTMENTS) {
      assert.deepEqual(await client.check(department, unknownToPolice.idNumber, 'baqiao'), { found: false });
    }
    const { body } = await faults('GET');
    for (const department of DEPARTMENTS) assert.equal(body.counters[department].notFound, 1);
  });

  it('when a seeded child has no record in a department, then that lookup answers found:false and others answer', async () => {
    const child = DEMO_FAMILY.kindergartner;
    assert.deepEqual(await client.check('hrss', child.idNumber, 'yanta'), { found: false });
    assert.equal(found(await client.check('police', child.idNumber, 'yanta')).identityMatches, true);
  });

  it('when the ID number is malformed, then the adapter throws a non-retryable DepartmentSystemRejected that does not echo it', async () => {
    const first17 = pointsHigh.idNumber.slice(0, 17);
    const wrongCheck = first17 + (computeCheckDigit(first17) === '0' ? '1' : '0');
    await assert.rejects(client.check('police', wrongCheck, 'yanta'), rejected(wrongCheck));
    await assert.rejects(client.check('hrss', '12345', 'yanta'), rejected('12345'));
    await assert.rejects(client.check('housing', '../../__faults', 'yanta'), rejected('../../__faults'));
    const { body } = await faults('GET');
    assert.equal(body.counters.police.rejected, 1);
    assert.equal(body.counters.hrss.rejected, 1);
  });

  it('when the area is unknown, or missing for education, then the lookup is rejected as non-retryable', async () => {
    await assert.rejects(client.check('education', pointsHigh.idNumber, 'atlantis'), rejected(pointsHigh.idNumber));
    await assert.rejects(client.check('police', pointsHigh.idNumber, 'atlantis'), rejected(pointsHigh.idNumber));
    await assert.rejects(client.check('education', pointsHigh.idNumber, ''), rejected(pointsHigh.idNumber));
  });

  it('when no area is given to a department that does not need one, then the lookup answers', async () => {
    assert.equal(found(await client.check('police', pointsHigh.idNumber, '')).identityMatches, true);
    const res = await fetch(`${baseUrl}/systems/housing/lookups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEVELOPMENT_SIMULATOR_API_KEY}` },
      body: JSON.stringify({ idNumber: pointsHigh.idNumber, area: '' }),
    });
    assert.equal(res.status, 200);
  });

  it('§21 when the education system is asked about a person, then it answers their education level only: school places are capacities, never a person’s record', async () => {
    for (const area of ['yanta', 'beilin', 'huyi'] as const) {
      const result = found(await client.check('education', pointsHigh.idNumber, area));
      assert.deepEqual(Object.keys(result).sort(), ['department', 'educationLevel']);
    }
  });

  it('when failNext is 2, then two lookups fail as retryable unavailable errors, the third succeeds, and the counters show all three', async () => {
    const set = await faults('PUT', { department: 'police', failNext: 2 });
    assert.equal(set.status, 200);

    await assert.rejects(
      client.check('police', pointsHigh.idNumber, 'yanta'),
      unavailable('police', 'http_status', pointsHigh.idNumber),
    );
    await assert.rejects(
      client.check('police', pointsHigh.idNumber, 'yanta'),
      unavailable('police', 'http_status', pointsHigh.idNumber),
    );
    assert.equal(found(await client.check('police', pointsHigh.idNumber, 'yanta')).identityMatches, true);

    const { body } = await faults('GET');
    assert.deepEqual(body.counters.police, { requests: 3, ok: 1, notFound: 0, rejected: 0, failed: 2, abandoned: 0 });
    assert.deepEqual(body.faults, [
      { department: 'police', operation: 'lookup', failNext: 0, failureRate: 0, delayMs: 0, status: 503, matched: 3 },
    ]);
  });

  it('when a fault targets one department, then the other departments answer normally', async () => {
    await faults('PUT', { department: 'hrss', failNext: 5 });
    found(await client.check('police', pointsHigh.idNumber, 'yanta'));
    found(await client.check('housing', pointsHigh.idNumber, 'yanta'));
    await assert.rejects(
      client.check('hrss', pointsHigh.idNumber, 'yanta'),
      unavailable('hrss', 'http_status', pointsHigh.idNumber),
    );
  });

  it("when a '*' fault is set, then every department is affected and a department's own rule takes precedence", async () => {
    await faults('PUT', { failNext: 2 });
    await faults('PUT', { department: 'education', failNext: 0 });
    found(await client.check('education', pointsHigh.idNumber, 'yanta'));
    await assert.rejects(client.check('police', pointsHigh.idNumber, 'yanta'), DepartmentSystemUnavailableError);
    await assert.rejects(client.check('housing', pointsHigh.idNumber, 'yanta'), DepartmentSystemUnavailableError);
    found(await client.check('hrss', pointsHigh.idNumber, 'yanta'));
  });

  it('when failureRate is 0.5, then exactly every second lookup fails, repeatably', async () => {
    const outcomes = async () => {
      await faults('PUT', { department: 'housing', failureRate: 0.5 });
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        seen.push(
          await client.check('housing', pointsHigh.idNumber, 'yanta').then(
            () => 'ok',
            (err: unknown) => (err instanceof DepartmentSystemUnavailableError ? 'fail' : `other: ${String(err)}`),
          ),
        );
      }
      return seen;
    };
    const first = await outcomes();
    assert.deepEqual(first, ['ok', 'fail', 'ok', 'fail', 'ok', 'fail']);
    assert.deepEqual(await outcomes(), first, 'setting the rule again restarts the same pattern');
    const { body } = await faults('GET');
    assert.equal(body.counters.housing.failed, 6);
    assert.equal(body.counters.housing.ok, 6);
  });

  it('when delayMs exceeds the adapter timeout, then the adapter throws a timeout unavailable error', async () => {
    await faults('PUT', { department: 'education', delayMs: TIMEOUT_MS * 5 });
    const started = Date.now();
    await assert.rejects(
      client.check('education', pointsHigh.idNumber, 'yanta'),
      unavailable('education', 'timeout', pointsHigh.idNumber),
    );
    assert.ok(Date.now() - started < TIMEOUT_MS * 4, 'the adapter gave up at its own timeout');

    // The simulator notices the caller left instead of answering into a closed socket.
    let counters: any;
    for (let i = 0; i < 50; i++) {
      counters = (await faults('GET')).body.counters.education;
      if (counters.abandoned === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(counters, { requests: 1, ok: 0, notFound: 0, rejected: 0, failed: 0, abandoned: 1 });
  });

  it('when delayMs is below the adapter timeout, then the lookup is slower but succeeds', async () => {
    await faults('PUT', { department: 'police', delayMs: 100 });
    const started = Date.now();
    found(await client.check('police', pointsHigh.idNumber, 'yanta'));
    assert.ok(Date.now() - started >= 100);
  });

  it('when a fault rule is invalid, then PUT /__faults answers a 400 problem and the rules are unchanged', async () => {
    for (const body of [{ failureRate: 2 }, { department: 'tax' }, { failNext: -1 }, { delayMs: 1.5 }, { extra: true }]) {
      const res = await faults('PUT', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.status, 400);
    }
    assert.deepEqual((await faults('GET')).body.faults, []);
  });

  it('when DELETE /__faults is called, then every rule and counter is cleared', async () => {
    await faults('PUT', { failNext: 1 });
    await assert.rejects(client.check('police', pointsHigh.idNumber, 'yanta'), DepartmentSystemUnavailableError);
    const cleared = await faults('DELETE');
    assert.deepEqual(cleared.body.faults, []);
    for (const department of DEPARTMENTS) {
      assert.deepEqual(cleared.body.counters[department], {
        requests: 0,
        ok: 0,
        notFound: 0,
        rejected: 0,
        failed: 0,
        abandoned: 0,
      });
    }
  });

  it('when the system answers a malformed body, then the adapter throws a retryable malformed_response error', async () => {
    const bodies = [
      { department: 'police', identityMatches: 'yes', criminalRecord: false, creditGood: true, continuousResidenceYears: 3 },
      { department: 'hrss', identityMatches: true, criminalRecord: false, creditGood: true, continuousResidenceYears: 3 },
      'not json',
    ];
    let next = 0;
    const liar = createServer((_req, res) => {
      const body = bodies[next++];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    const liarUrl = await listen(liar);
    try {
      const liarClient = createDepartmentSystemsClient({ baseUrl: liarUrl, timeoutMs: TIMEOUT_MS });
      for (let i = 0; i < bodies.length; i++) {
        await assert.rejects(
          liarClient.check('police', pointsHigh.idNumber, 'yanta'),
          unavailable('police', 'malformed_response', pointsHigh.idNumber),
        );
      }
    } finally {
      await stop(liar);
    }
  });

  it('when the base URL has a wrong path, then the route 404 is an outage, not an unknown person', async () => {
    const wrong = createDepartmentSystemsClient({
      baseUrl: `${baseUrl}/v2`,
      timeoutMs: TIMEOUT_MS,
      apiKey: DEVELOPMENT_SIMULATOR_API_KEY,
    });
    await assert.rejects(
      wrong.check('police', pointsHigh.idNumber, 'yanta'),
      unavailable('police', 'http_status', pointsHigh.idNumber),
    );
  });

  it('when nothing listens at the base URL, then the adapter throws a network unavailable error', async () => {
    const gone = createServer();
    const goneUrl = await listen(gone);
    await stop(gone);
    const nowhere = createDepartmentSystemsClient({ baseUrl: goneUrl, timeoutMs: TIMEOUT_MS });
    await assert.rejects(
      nowhere.check('hrss', pointsHigh.idNumber, 'yanta'),
      unavailable('hrss', 'network', pointsHigh.idNumber),
    );
  });

  it("when the caller's signal aborts, then the adapter rethrows the caller's reason instead of an outage", async () => {
    await faults('PUT', { department: 'police', delayMs: TIMEOUT_MS * 2 });
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(
      client.check('police', pointsHigh.idNumber, 'yanta', { signal: controller.signal }),
      (err) => err === reason,
    );
  });

  it('when the demo data is seeded again, then counts and documents are unchanged and a tampered record is restored', async () => {
    const records = departmentRecordModel(conn);
    const snapshot = async () => ({ records: await records.find().sort({ _id: 1 }).lean() });
    const before = await snapshot();
    assert.equal(before.records.length, ALL_DEMO_PEOPLE.filter(isSeeded).length);

    await records.updateOne({ _id: pointsHigh.idNumber }, { $set: { 'police.creditGood': false }, $unset: { hrss: 1 } });
    await records.create({ _id: unknownToPolice.idNumber, police: { ...pointsHigh.records.police } });

    const summary = await seedDepartmentSystems(conn);
    assert.deepEqual(summary, { people: before.records.length });
    assert.deepEqual(await snapshot(), before);
    assert.deepEqual(await client.check('police', unknownToPolice.idNumber, 'baqiao'), { found: false });
  });

  it('when the points personas are scored under xian-2016-v1 from live lookups, then pointsHigh passes and pointsLow fails', async () => {
    const policy = parsePointsPolicy(v1Json);
    const score = async (person: DemoPerson, area: string) =>
      scorePoints(policy, {
        police: found(await client.check('police', person.idNumber, area)),
        hrss: found(await client.check('hrss', person.idNumber, area)),
        housing: found(await client.check('housing', person.idNumber, area)),
        education: found(await client.check('education', person.idNumber, area)),
      });

    const high = await score(pointsHigh, 'yanta');
    assert.equal(high.passed, true);
    assert.equal(high.total, 99);
    assert.ok(high.total >= policy.threshold + 20, 'pointsHigh passes comfortably');

    const low = await score(pointsLow, 'weiyang');
    assert.equal(low.passed, false);
    assert.equal(low.total, 45);
    assert.equal(low.disqualifiedBy, undefined, 'pointsLow fails on the total, not on a disqualifier');

    const bad = await score(badCredit, 'beilin');
    assert.ok(bad.total >= policy.threshold);
    assert.equal(bad.passed, false);
    assert.equal(bad.disqualifiedBy, 'credit');

    const collective = await score(noHousing, 'changan');
    assert.equal(collective.passed, true, 'noHousing passes without residence points (§16 collective household)');
    assert.equal(collective.breakdown.find((l) => l.indicator === 'residence')?.points, 0);

    assert.equal((await score(parentWithChildren, 'yanta')).passed, true);
  });
});
