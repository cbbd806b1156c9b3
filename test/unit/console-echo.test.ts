/** `npm start`'s console: the app's warnings while running, nothing once Ctrl-C stops everything. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { echoToConsole } from '../../scripts/lib/console-echo';

const line = (level: number) => JSON.stringify({ level, msg: 'Connection refused, retrying' });

describe('echoToConsole', () => {
  it('when running, then warnings, errors and plain lines show and info does not', () => {
    assert.equal(echoToConsole(line(30), false), false);
    assert.equal(echoToConsole(line(40), false), true);
    assert.equal(echoToConsole(line(50), false), true);
    assert.equal(echoToConsole('panic: something plain', false), true);
  });

  it('when stopping, then warnings do not show (a worker draining after Temporal stopped warns, as expected) and errors do', () => {
    assert.equal(echoToConsole(line(40), true), false);
    assert.equal(echoToConsole(line(50), true), true);
    assert.equal(echoToConsole('panic: something plain', true), false);
  });
});
