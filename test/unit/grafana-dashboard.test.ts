/**
 * docs/grafana/hukou-settlement.json cannot silently drift from what we export: every metric its
 * PromQL names is one the API's registry, the worker's registry or the Temporal SDK's exporter
 * (the names observed in test/support/sdk-metrics.ts) really serves, and each of our own metrics
 * is charted somewhere.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createConnection } from 'mongoose';
import { Counter, Gauge, Histogram, type Registry, Summary } from 'prom-client';
import { createMetrics } from '../../api/metrics';
import { createWorkerMetrics } from '../../worker/metrics';
import { SDK_SERIES_NAMES, seriesNames } from '../support/sdk-metrics';

interface Target {
  expr: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
}

const dashboard = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'docs', 'grafana', 'hukou-settlement.json'), 'utf8'),
) as Dashboard;
const charts = dashboard.panels.filter((p) => p.type !== 'row');

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
]);

/** The metric names a PromQL expression reads: identifiers that are not functions, labels or keywords. */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\(|[a-zA-Z0-9_:])/g)]
    .map((m) => m[0])
    .filter((n) => !PROMQL_KEYWORDS.has(n));
}

function typeOf(metric: unknown): 'histogram' | 'counter' | 'gauge' | 'summary' {
  if (metric instanceof Histogram) return 'histogram';
  if (metric instanceof Counter) return 'counter';
  if (metric instanceof Gauge) return 'gauge';
  if (metric instanceof Summary) return 'summary';
  throw new Error('unknown metric type');
}

describe('Grafana dashboard (docs/grafana/hukou-settlement.json)', () => {
  // Never connected: the registries are only listed, never collected.
  const mongo = createConnection();
  after(() => mongo.close());
  const ours = (registry: Registry) => registry.getMetricsAsArray().map((m) => ({ name: m.name, type: typeOf(m) }));
  const own = [...ours(createMetrics(mongo).registry), ...ours(createWorkerMetrics(mongo).registry)];
  const exported = new Set([...own.flatMap((m) => seriesNames(m.type, m.name)), ...SDK_SERIES_NAMES]);
  const used = charts.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, names: metricNamesIn(t.expr) })));

  it('when the PromQL is read, then the reader finds metric names and nothing else', () => {
    assert.deepEqual(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{status=~"5..", route!="x"}[$__rate_interval])))',
      ),
      ['http_request_duration_seconds_bucket'],
    );
    assert.deepEqual(metricNamesIn('max(notices_pending) or vector(0)'), ['notices_pending']);
  });

  it('when a panel queries a metric, then the API, the worker or the Temporal SDK exports it', () => {
    const unknown = used.flatMap((u) => u.names.filter((n) => !exported.has(n)).map((n) => `${u.panel}: ${n}`));
    assert.deepEqual(unknown, []);
    assert.ok(
      used.every((u) => u.names.length > 0),
      'every query reads a metric',
    );
  });

  it('when our registries export a metric, then some panel charts it', () => {
    const charted = new Set(used.flatMap((u) => u.names));
    const unused = own.filter((m) => !seriesNames(m.type, m.name).some((s) => charted.has(s))).map((m) => m.name);
    assert.deepEqual(unused, []);
  });

  it('when it is imported, then it is a Grafana dashboard model with a Prometheus data source variable every panel uses', () => {
    assert.equal(dashboard.schemaVersion, 39);
    assert.ok(dashboard.uid && dashboard.title);
    const ds = dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS');
    assert.deepEqual(ds && { type: ds.type, query: ds.query }, { type: 'datasource', query: 'prometheus' });
    for (const p of charts) {
      assert.equal(p.datasource?.uid, '${DS_PROMETHEUS}', `${p.title}: data source`);
      assert.ok(p.targets?.length, `${p.title}: has queries`);
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, '${DS_PROMETHEUS}', `${p.title}: query data source`);
    }
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    for (const p of dashboard.panels) assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title}: fits the 24-column grid`);
  });
});
