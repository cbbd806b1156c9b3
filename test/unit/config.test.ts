import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../config/config';

describe('config', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    const c = loadConfig({});
    assert.equal(c.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(c.MONGODB_URI, 'mongodb://127.0.0.1:27017/hukou');
    assert.equal(c.API_PORT, 3000);
  });

  it('when a variable is invalid, then start-up fails with a message naming it', () => {
    assert.throws(
      () => loadConfig({ API_PORT: 'eighty', MONGODB_URI: 'postgres://x' }),
      (err: unknown) => err instanceof ConfigError && /API_PORT="eighty"/.test(err.message) && /MONGODB_URI=/.test(err.message),
    );
  });

  it('when TEMPORAL_ADDRESS lacks a port, then it is refused', () => {
    assert.throws(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' }), /TEMPORAL_ADDRESS/);
  });
});
