/**
 * The Temporal cluster's ports (scripts/lib/temporal-cluster.ts `clusterPortsAt`): moved together
 * by EMBEDDED_TEMPORAL_PORT, and refused before start when the server could not record them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterPortsAt } from '../../scripts/lib/temporal-cluster';

describe('clusterPortsAt', () => {
  it('when the frontend moves, then every service port moves by the same offset', () => {
    // Act
    const ports = clusterPortsAt(14410);

    // Assert
    assert.deepEqual(ports, {
      frontend: 14410,
      frontendHttp: 14420,
      frontendMembership: 14110,
      history: 14411,
      historyMembership: 14111,
      matching: 14412,
      matchingMembership: 14112,
      worker: 14416,
      workerMembership: 14116,
    });
  });

  it('when a port would exceed 32767 (the schema keeps it in a SMALLINT), then the start is refused naming the ports that fit', () => {
    // Act + Assert: 40000 once made the server die at start with "greater than maximum value for int2".
    assert.throws(() => clusterPortsAt(40000), /EMBEDDED_TEMPORAL_PORT.*SMALLINT.*from 301 to 32757/);
    assert.throws(() => clusterPortsAt(32758), /from 301 to 32757/);
    assert.throws(() => clusterPortsAt(300), /from 301 to 32757/);
    assert.equal(clusterPortsAt(32757).frontendHttp, 32767);
    assert.equal(clusterPortsAt(301).frontendMembership, 1);
  });
});
