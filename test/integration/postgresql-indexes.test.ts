/**
 * The hot queries reach a PostgreSQL index under FerretDB (issue 12): a case by id (the case
 * view, the projection write), an officer's inbox, the stuck-case lists, the dashboard's open
 * cases, a case's audit trail and notices. Each is asked of FerretDB with `explain`, which
 * answers with PostgreSQL's own plan for the SQL it runs (`EXPLAIN (FORMAT JSON)`), over a table
 * large enough that the planner would rather scan it than use a useless index.
 *
 * Runs on the suite's FerretDB when it is on PostgreSQL (the default); under EMBEDDED_STORE=sqlite
 * there is no PostgreSQL plan to read and the test says it skipped.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { after, before, describe, it } from 'node:test';
import { trusted, type Connection, type Model } from 'mongoose';
import type { OfficerActor } from '../../app/actor';
import { inboxFilter } from '../../app/queries/officer-inbox';
import { stuckFilter } from '../../app/queries/stuck-cases';
import { accessRecordModel } from '../../models/access-record.model';
import { auditEventModel } from '../../models/audit-event.model';
import { caseModel } from '../../models/case.model';
import { connectMongo } from '../../models/connection';
import { noticeModel } from '../../models/notice.model';
import { analyzePostgresql, ensurePostgresqlIndexes } from '../../models/postgresql-indexes';
import { mongoUriFor } from '../support/services';

const postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL;
const CASES = 4000;
/** Few open cases among many settled ones, as in a city's read model after a year. */
const OPEN_EVERY = 50;

interface PlanNode {
  'Node Type'?: string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function planOf(model: Model<never>, filter: Record<string, unknown>): Promise<{ pushdown: boolean; nodes: PlanNode[] }> {
  const res = (await model.find(filter as never).explain()) as unknown as {
    queryPlanner: { Plan: PlanNode };
    filterPushdown: boolean;
  };
  return { pushdown: res.filterPushdown, nodes: nodes(res.queryPlanner.Plan) };
}

function assertIndexed(what: string, plan: { pushdown: boolean; nodes: PlanNode[] }): void {
  assert.ok(plan.pushdown, `${what}: FerretDB did not push the filter down to PostgreSQL`);
  const scans = plan.nodes.filter((n) => n['Node Type'] === 'Seq Scan');
  assert.deepEqual(scans, [], `${what}: PostgreSQL scans the table: ${JSON.stringify(plan.nodes.map((n) => n['Node Type']))}`);
  const used = plan.nodes.map((n) => n['Index Name']).filter(Boolean);
  assert.ok(
    used.some((name) => name!.startsWith('hukou_')),
    `${what}: no index of ours in the plan (${JSON.stringify(used)})`,
  );
}

describe(
  'hot queries use PostgreSQL indexes under FerretDB',
  { skip: postgresqlUrl ? false : 'FerretDB is not on PostgreSQL' },
  () => {
    let mongo: Connection;
    const database = `test_pgidx_${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];

    before(async () => {
      mongo = await connectMongo({ uri: mongoUriFor(database), serverSelectionTimeoutMS: 5000 });
      const now = Date.now();
      const docs = Array.from({ length: CASES }, (_, i) => {
        const open = i % OPEN_EVERY === 0;
        const id = randomUUID();
        ids.push(id);
        return {
          _id: id,
          caseNumber: `TEST-${i}`,
          applicantUserId: `applicant-${i}`,
          route: i % 2 ? 'town' : 'points',
          area: 'yanta',
          status: open ? 'under_review' : 'settled',
          open,
          overdue: open && i % 3 === 0,
          pendingDepartments: open ? ['police'] : [],
          overdueDepartments: open && i % 3 === 0 ? ['police'] : [],
          failingChecks: [],
          steps: { police: { status: open ? 'awaiting_decision' : 'approved' } },
          lastProgressDate: new Date(now - (i + 1) * 60_000),
          submittedAt: new Date(now - (i + 1) * 60_000).toISOString(),
        };
      });
      await caseModel(mongo).collection.insertMany(docs as never);
      await auditEventModel(mongo).collection.insertMany(
        ids.map((caseId, i) => ({
          _id: `${caseId}:1:0`,
          caseId,
          seq: 1,
          n: 0,
          at: new Date(now - i),
          type: 'submitted',
        })) as never,
      );
      await noticeModel(mongo).collection.insertMany(
        // Most notices long delivered, a few waiting for the dispatcher of their channel.
        ids.map((caseId, i) => ({
          _id: `${caseId}:n`,
          caseId,
          channel: i % 2 ? 'sms' : 'email',
          status: i % OPEN_EVERY === 0 ? 'queued' : 'delivered',
          nextAttemptAt: new Date(now - i),
          createdAt: new Date(now - i),
        })) as never,
      );
      // Every staff read leaves an access record: many days of them, a few cases each.
      await accessRecordModel(mongo).collection.insertMany(
        ids.map((caseId, i) => {
          const day = `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`;
          return {
            _id: `${day}:${String(i).padStart(9, '0')}`,
            day,
            seq: i,
            caseIds: [caseId],
            actor: { sub: `officer-${i % 40}` },
          };
        }) as never,
      );
      const created = await ensurePostgresqlIndexes({ mongo, postgresqlUrl: postgresqlUrl! });
      assert.ok(created.some((c) => c.collection === 'cases' && c.field === '_id'));
      // Statistics as autovacuum would gather them in time: the planner's choice rests on them.
      await analyzePostgresql(postgresqlUrl!);
    });

    after(async () => {
      await mongo?.dropDatabase();
      await mongo?.close();
    });

    it('a case by id (the case view and the projection write)', async () => {
      assertIndexed('case by id', await planOf(caseModel(mongo) as never, { _id: ids[1234]! }));
      const found = await caseModel(mongo).findById(ids[1234]).lean();
      assert.equal(found?.caseNumber, 'TEST-1234');
    });

    it("an officer's inbox", async () => {
      const actor: OfficerActor = { role: 'officer', sub: 'officer-1', department: 'police', scope: { kind: 'city' } };
      assertIndexed('inbox', await planOf(caseModel(mongo) as never, inboxFilter({ actor })));
      assertIndexed('inbox of one route', await planOf(caseModel(mongo) as never, inboxFilter({ actor, route: 'town' })));
      // A district's officer (issue 15): the area is one more equality beside the indexed one.
      const district: OfficerActor = { ...actor, scope: { kind: 'areas', areas: ['yanta'] } };
      assertIndexed('inbox of one district', await planOf(caseModel(mongo) as never, inboxFilter({ actor: district })));
    });

    it('the stuck-case lists and the dashboard', async () => {
      for (const reason of ['overdue', 'stale', 'supplement_past_due', 'open'] as const) {
        assertIndexed(`stuck (${reason})`, await planOf(caseModel(mongo) as never, stuckFilter({ reason }).filter));
      }
      assertIndexed('dashboard open cases', await planOf(caseModel(mongo) as never, { open: true }));
    });

    it("a case's audit trail and notices", async () => {
      assertIndexed('audit trail', await planOf(auditEventModel(mongo) as never, { caseId: ids[77]! }));
      assertIndexed('notices', await planOf(noticeModel(mongo) as never, { caseId: ids[77]! }));
    });

    it("a dispatcher's claim of its channel's due notices", async () => {
      const due = { nextAttemptAt: trusted({ $lte: new Date() }) };
      for (const status of ['queued', 'sending'])
        assertIndexed(`claim (${status})`, await planOf(noticeModel(mongo) as never, { channel: 'sms', status, ...due }));
    });

    it("a day's access records (appending after a restart, verifying) and a case's", async () => {
      assertIndexed('access records of a day', await planOf(accessRecordModel(mongo) as never, { day: '2026-11-05' }));
      assertIndexed('access records of a case', await planOf(accessRecordModel(mongo) as never, { caseIds: ids[77]! }));
    });

    it("FerretDB's prepared statements are planned with their values, so they keep the indexes", async () => {
      // Arrange: FerretDB's form of a read by _id, the field name a parameter.
      const client = new pg.Client({ connectionString: postgresqlUrl });
      await client.connect();
      try {
        const table = (
          await client.query<{ tbl: string }>(
            `SELECT _jsonb->>'table' AS tbl FROM "${database}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'cases'`,
          )
        ).rows[0]!.tbl;
        await client.query(`PREPARE by_field(text, jsonb) AS SELECT _jsonb FROM "${database}"."${table}" WHERE _jsonb->$1 @> $2`);
        const plan = async () =>
          JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) EXECUTE by_field('_id', '"${ids[9]}"')`)).rows);

        // Act
        const mode = (await client.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]!.plan_cache_mode;
        const asConfigured = await plan();
        await client.query('SET plan_cache_mode = force_generic_plan');
        const generic = await plan();

        // Assert: what the database gives every new connection, and why.
        assert.equal(mode, 'force_custom_plan');
        assert.doesNotMatch(asConfigured, /Seq Scan/);
        assert.match(asConfigured, /hukou_/);
        assert.match(generic, /Seq Scan/, 'a generic plan cannot use an index on _jsonb->$1');
      } finally {
        await client.end();
      }
    });

    it('when two workers start at once on a store without the indexes, then one builds them and the other finds them built, with no deadlock', async () => {
      // Arrange: the store as a first start finds it.
      const schema = mongo.db!.databaseName;
      const client = new pg.Client({ connectionString: postgresqlUrl! });
      await client.connect();
      try {
        const { rows } = await client.query<{ indexname: string }>(
          "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE '%USING gin%'",
          [schema],
        );
        for (const r of rows) await client.query(`DROP INDEX ${JSON.stringify(schema)}.${JSON.stringify(r.indexname)}`);
        // Both find the database setting missing too: altering it side by side once failed CI
        // with "tuple concurrently updated".
        await client.query("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET plan_cache_mode', current_database()); END $$");
      } finally {
        await client.end();
      }

      // Act
      const [a, b] = await Promise.all([
        ensurePostgresqlIndexes({ mongo, postgresqlUrl: postgresqlUrl! }),
        ensurePostgresqlIndexes({ mongo, postgresqlUrl: postgresqlUrl! }),
      ]);

      // Assert: the setting is back for new connections, and every index built once, by one of them.
      const fresh = new pg.Client({ connectionString: postgresqlUrl! });
      await fresh.connect();
      try {
        assert.equal(
          (await fresh.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]!.plan_cache_mode,
          'force_custom_plan',
        );
      } finally {
        await fresh.end();
      }
      const builtBy = (r: typeof a) => r.filter((i) => i.created).length;
      assert.equal(a.length, b.length);
      assert.deepEqual(
        [builtBy(a), builtBy(b)].sort((x, y) => x - y),
        [0, a.length],
      );
    });

    it('building the indexes again changes nothing', async () => {
      const again = await ensurePostgresqlIndexes({ mongo, postgresqlUrl: postgresqlUrl! });
      assert.deepEqual(
        again.filter((i) => i.created),
        [],
      );
    });
  },
);
