/**
 * The simulator's people are data (tools/simulator/people/*.json, SIMULATOR_PEOPLE): the files
 * load, a bad one is refused with a message naming the file, the person and the field (ID
 * numbers per GB 11643-1999, §8), and the README's example person scores exactly one point under
 * the threshold of the points policy in force (§2).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { allPointsPolicies, pointsPolicyInForce } from '../../policy/policy-files';
import { shanghaiToday } from '../../domain/shanghai-clock';
import { loadConfig } from '../../config/config';
import { scorePoints, type PointsInputs } from '../../domain/points-policy';
import { ALL_DEMO_PEOPLE, DEMO_FAMILY, DEMO_PEOPLE, DEMO_PERSONA_NAMES } from '../../tools/simulator/demo-people';
import {
  DEMO_PEOPLE_FILE,
  loadPeople,
  parsePeople,
  PEOPLE_DIR,
  PEOPLE_JSON_SCHEMA_FILE,
  PeopleFileError,
  peopleJsonSchema,
  readPeopleFile,
  simulatorPeopleSources,
  type DemoPerson,
} from '../../tools/simulator/people-file';
import { codeBlocks, readmeSection } from '../support/readme';

const EXAMPLE_FILE = join(PEOPLE_DIR, 'examples', 'points-one-below.json');

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** A valid one-person file to break one field at a time. */
function onePerson(overrides: Record<string, unknown> = {}, records?: unknown) {
  const p = DEMO_PEOPLE.pointsHigh;
  return {
    people: {
      alice: {
        idNumber: p.idNumber,
        name: '艾丽丝',
        summary: 'test',
        target: p.target,
        records: records ?? p.records,
        ...overrides,
      },
    },
  };
}

function refused(...patterns: RegExp[]) {
  return (err: unknown) => {
    assert.ok(err instanceof PeopleFileError, `expected PeopleFileError, got ${String(err)}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  };
}

/** The records the points score reads; the person must be known to all four departments. */
function pointsInputs(person: DemoPerson): PointsInputs {
  const { police, hrss, housing, education } = person.records;
  assert.ok(police && hrss && housing && education, `${person.name} needs a record in every department`);
  return { police, hrss, housing, education };
}

describe('simulator people files', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'people-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('when demo.json is loaded, then every persona and family member the code names is there, typed from the file', () => {
    assert.deepEqual(Object.keys(DEMO_PEOPLE), [...DEMO_PERSONA_NAMES]);
    assert.deepEqual(DEMO_PEOPLE.parentWithChildren.family, [DEMO_FAMILY.spouse, DEMO_FAMILY.kindergartner, DEMO_FAMILY.pupil]);
    assert.equal(DEMO_FAMILY.pupil.schoolLevel, 'primary');
    assert.deepEqual(DEMO_PEOPLE.unknownToPolice.records, {});
    // Family members: parentWithChildren’s three and beilinFamily’s daughter.
    assert.equal(ALL_DEMO_PEOPLE.length, DEMO_PERSONA_NAMES.length + 4);
    assert.ok(ALL_DEMO_PEOPLE.every((p) => p.relation !== 'applicant' || 'target' in p));
  });

  it('when a persona’s summary states a score under a policy, then that policy scores its records so, and the policy in force is among those stated', () => {
    const file = JSON.parse(readFileSync(join(PEOPLE_DIR, 'demo.json'), 'utf8')) as {
      people: Record<string, { summary: string; records: PointsInputs }>;
    };
    const policies = new Map(allPointsPolicies().map((p) => [p.version, p]));
    const inForce = pointsPolicyInForce(shanghaiToday()).version;
    let stated = 0;
    for (const [handle, person] of Object.entries(file.people)) {
      const claims = [...person.summary.matchAll(/(\d+) points under (xian-[\w-]+)/g)];
      if (claims.length > 0)
        assert.ok(
          claims.some(([, , version]) => version === inForce),
          `${handle}: the summary states no score under ${inForce}, the policy in force`,
        );
      for (const [, total, version] of claims) {
        const policy = policies.get(version!);
        assert.ok(policy, `${handle}: no points policy ${version}`);
        assert.equal(scorePoints(policy, person.records).total, Number(total), `${handle} under ${version}`);
        stated++;
      }
    }
    assert.ok(stated >= 6, `only ${stated} stated scores found`);
  });

  it('when npm start loads the people folder, then demo.json is in it and the examples folder is not', () => {
    assert.deepEqual(simulatorPeopleSources(), [PEOPLE_DIR]);
    const handles = loadPeople(simulatorPeopleSources()).map((e) => e.handle);
    assert.ok(handles.includes('pointsHigh'));
    assert.ok(!handles.includes('oneBelowThreshold'), 'examples/ is a sub-folder: loaded only when asked for');
    const withExample = loadPeople(simulatorPeopleSources([EXAMPLE_FILE])).map((e) => e.handle);
    assert.ok(withExample.includes('oneBelowThreshold'));
  });

  it('when SIMULATOR_PEOPLE names files and folders, then config lists them and each file is read once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b.json'), JSON.stringify(readJson(EXAMPLE_FILE)));
    writeFileSync(join(dir, 'notes.txt'), 'not a people file');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'ignored.json'), '{ not json');
    const config = loadConfig({ SIMULATOR_PEOPLE: ` ${dir} , ${join(dir, 'b.json')}` });
    assert.deepEqual(config.SIMULATOR_PEOPLE, [dir, join(dir, 'b.json')]);
    const entries = loadPeople(config.SIMULATOR_PEOPLE);
    assert.deepEqual(
      entries.map((e) => e.handle),
      ['oneBelowThreshold'],
    );
    assert.deepEqual(loadConfig({}).SIMULATOR_PEOPLE, []);
  });

  it('when an ID number has a wrong check digit, then the file is refused naming the file, person and field', () => {
    const bad = DEMO_PEOPLE.pointsHigh.idNumber.slice(0, 17) + (DEMO_PEOPLE.pointsHigh.idNumber.endsWith('0') ? '1' : '0');
    assert.throws(
      () => parsePeople(onePerson({ idNumber: bad }), 'people/mine.json'),
      refused(/^people\/mine\.json: person "alice" \(艾丽丝\): idNumber: /, /check character/),
    );
    assert.throws(
      () => parsePeople(onePerson({ idNumber: '61011319880315011' }), 'f.json'),
      refused(/idNumber: .*18 characters/),
    );
    assert.throws(
      () => parsePeople(onePerson({ idNumber: '610113198802300115' }), 'f.json'),
      refused(/idNumber: .*calendar date/),
    );
  });

  it('when a family member is wrong, then the message names the applicant, the member and the field', () => {
    const json = readJson(DEMO_PEOPLE_FILE) as { people: Record<string, { family?: Record<string, Record<string, unknown>> }> };
    const spouse = json.people.parentWithChildren!.family!.spouse!;
    spouse.schoolLevel = 'primary';
    (spouse.records as Record<string, Record<string, unknown>>).hrss!.socialInsuranceYears = -1;
    assert.throws(
      () => parsePeople(json, 'demo.json'),
      refused(
        /person "parentWithChildren" \(陈伟\), family member "spouse" \(林静\): schoolLevel: only a child needs a school place/,
        /family member "spouse" \(林静\): records\.hrss\.socialInsuranceYears: /,
      ),
    );
  });

  it('when a field is misspelt, unknown or of the wrong kind, then the message names it', () => {
    const records = { hrss: { ...DEMO_PEOPLE.pointsHigh.records.hrss, employr: 'x' }, housing: { residence: 'rented' } };
    assert.throws(
      () => parsePeople(onePerson({}, records), 'f.json'),
      refused(/person "alice" \(艾丽丝\): records\.hrss: unknown field "employr"/, /records\.housing\.residence: /),
    );
    assert.throws(
      () => parsePeople(onePerson({ target: { route: 'points', town: 'huyi' } }), 'f.json'),
      refused(/person "alice" \(艾丽丝\): target/),
    );
    assert.throws(() => parsePeople({ people: { '1x': {} } }, 'f.json'), refused(/person "1x"/, /handle/));
    assert.throws(() => parsePeople({ persons: {} }, 'f.json'), refused(/unknown field "persons"/));
  });

  it('when two files hold the same handle or ID number, then loading them together is refused naming both', () => {
    const dir = tempDir();
    const first = onePerson();
    const second = { people: { bob: { ...first.people.alice, name: '鲍勃' } } };
    writeFileSync(join(dir, 'a.json'), JSON.stringify(first));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(second));
    assert.throws(
      () => loadPeople([dir]),
      refused(/b\.json: person "bob" \(鲍勃\): idNumber: the same ID number as .*a\.json: person "alice" \(艾丽丝\)/),
    );
    writeFileSync(
      join(dir, 'b.json'),
      JSON.stringify({ people: { alice: { ...first.people.alice, idNumber: '610112199205171483' } } }),
    );
    assert.throws(
      () => loadPeople([join(dir, 'a.json'), join(dir, 'b.json')]),
      refused(/person "alice" is defined in .*a\.json and in .*b\.json/),
    );
    assert.throws(() => loadPeople([join(dir, 'missing.json')]), refused(/missing\.json: no such file or folder/));
    writeFileSync(join(dir, 'c.json'), '{ "people": ');
    assert.throws(() => readPeopleFile(join(dir, 'c.json')), refused(/c\.json: not valid JSON/));
  });

  it('when people-file.ts changes, then people.schema.json is regenerated (npx tsx tools/simulator/write-people-schema.ts)', () => {
    assert.deepEqual(readJson(PEOPLE_JSON_SCHEMA_FILE), peopleJsonSchema());
  });
});

describe('README example: a points case one point under the threshold (§2)', () => {
  const readmeJson = codeBlocks(readmeSection('Trying it out'), 'json').map((b) => JSON.parse(b) as unknown);

  it('when the README shows the example file, then it shows exactly the file the text points to', () => {
    assert.ok(readmeJson.length >= 1, 'the section shows the example as a json block');
    assert.deepEqual(readmeJson[0], readJson(EXAMPLE_FILE));
  });

  it('when the example is scored under the policy in force today, then it is exactly threshold − 1 and fails', () => {
    const policy = pointsPolicyInForce(shanghaiToday());
    const [entry] = parsePeople(readmeJson[0], 'README.md');
    assert.ok(entry);
    const score = scorePoints(policy, pointsInputs(entry.persona));
    assert.equal(score.total, policy.threshold - 1, JSON.stringify(score.breakdown));
    assert.equal(score.passed, false);
    assert.equal(score.disqualifiedBy, undefined, 'it fails on the total alone');
    assert.equal(entry.persona.target.route, 'points');
    const section = readmeSection('Trying it out');
    assert.ok(
      section.includes(`policy/points/${policy.version}.json`),
      `the README names the policy in force, ${policy.version}`,
    );
    assert.ok(section.includes(`threshold ${policy.threshold}`), `the README names the threshold, ${policy.threshold}`);
  });

  it('when the example gets one more year of continuous residence, then it scores exactly the threshold and passes', () => {
    const policy = pointsPolicyInForce(shanghaiToday());
    const [entry] = parsePeople(readmeJson[0], 'README.md');
    const inputs = pointsInputs(entry!.persona);
    const score = scorePoints(policy, {
      ...inputs,
      police: { ...inputs.police, continuousResidenceYears: inputs.police.continuousResidenceYears + 1 },
    });
    assert.equal(score.total, policy.threshold);
    assert.equal(score.passed, true);
  });
});
