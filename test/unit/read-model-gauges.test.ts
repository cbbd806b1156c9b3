/**
 * The read-model gauges (app/read-model-gauges.ts) when the database cannot answer: the scrape
 * still succeeds, the gauges show no samples rather than a misleading 0, and the failure counts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createConnection } from 'mongoose';
import { Registry } from 'prom-client';
import { registerReadModelGauges } from '../../app/read-model-gauges';
import { parsePrometheusText, sumOf } from '../support/prometheus-text';

describe('read-model gauges', () => {
  // Nothing listens on port 1: every query fails once server selection gives up.
  const mongo = createConnection('mongodb://127.0.0.1:1/unreachable', { serverSelectionTimeoutMS: 200, bufferCommands: false });
  mongo.asPromise().catch(() => undefined);
  after(() => mongo.close());

  it('when the database is unreachable, then the scrape answers without the gauges and counts each failure', async () => {
    const registry = new Registry();
    registerReadModelGauges(registry, mongo, ['cases_by_status', 'notices_pending']);
    const samples = parsePrometheusText(await registry.metrics());
    assert.deepEqual(
      samples.filter((s) => s.name === 'cases_by_status' || s.name === 'notices_pending'),
      [],
    );
    assert.equal(sumOf(samples, 'read_model_gauge_failures_total', { gauge: 'cases_by_status' }), 1);
    assert.equal(sumOf(samples, 'read_model_gauge_failures_total', { gauge: 'notices_pending' }), 1);
  });
});
