/** The launcher's port check (scripts/lib/planned-ports.ts): two of its processes on one port are refused before start. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { portClashes } from '../../scripts/lib/planned-ports';

describe('portClashes', () => {
  it('when the cluster’s second API metrics port is the first worker’s metrics port, then the clash is named', () => {
    // Act
    const clashes = portClashes({ apiPort: 3000, metricsPort: 9463, workerMetricsPort: 9464, copies: 2 });

    // Assert
    assert.deepEqual(clashes, ['port 9464: API metrics (METRICS_PORT) #2 and worker metrics (WORKER_METRICS_ADDRESS) #1']);
  });

  it('when every process has its own port, or only one of each runs, then nothing clashes', () => {
    assert.deepEqual(portClashes({ apiPort: 3000, metricsPort: 9100, workerMetricsPort: 9464, copies: 2 }), []);
    assert.deepEqual(portClashes({ apiPort: 3000, metricsPort: 9463, workerMetricsPort: 9464, copies: 1 }), []);
    assert.deepEqual(portClashes({ apiPort: 3000, copies: 2 }), []);
  });

  it('when METRICS_PORT is the API’s own port, then it is refused even with one process', () => {
    assert.deepEqual(portClashes({ apiPort: 3000, metricsPort: 3000, copies: 1 }), [
      'port 3000: API (API_PORT) and API metrics (METRICS_PORT)',
    ]);
  });
});
