/** A misspelt variable is not read in silence (config/unknown-variables.ts). */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../config/logger';
import { unknownVariables, warnUnknownVariables } from '../../config/unknown-variables';

describe('variables nothing reads', () => {
  it('when a variable of ours is misspelt, then it is named with the one meant', () => {
    assert.deepEqual(unknownVariables({ SLA_POLICE_WORKINGDAYS: '3', SCHOOL_PLACEMENT_WORKING_DAY: '20' }), [
      { name: 'SCHOOL_PLACEMENT_WORKING_DAY', nearest: 'SCHOOL_PLACEMENT_WORKING_DAYS' },
      { name: 'SLA_POLICE_WORKINGDAYS', nearest: 'SLA_POLICE_WORKING_DAYS' },
    ]);
  });

  it('when a name is far from every variable of ours, then it is another program’s and nothing is said', () => {
    assert.deepEqual(
      unknownVariables({
        NOTICE_SOMETHING_ELSE_ENTIRELY: '1',
        MAIL: '/var/mail/root',
        SESSION_MANAGER: 'local/host:@/tmp/.ICE-unix/1',
        MONGODB_SERVICE_HOST: '10.0.0.1',
      }),
      [],
    );
  });

  it('when variables are ours and read, or another program’s, then nothing is said', () => {
    assert.deepEqual(
      unknownVariables({
        SLA_POLICE_WORKING_DAYS: '3',
        MONGODB_URI: 'mongodb://x',
        NODE_OPTIONS: '--max-old-space-size=512',
        TEMPORAL_CODEC_ENDPOINT: 'http://x',
        PATH: '/usr/bin',
        HOME: '/root',
      }),
      [],
    );
  });

  it('when a process starts with one set, then it logs a warning naming it', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    warnUnknownVariables(createLogger({ level: 'info', name: 'test', destination }), { SUPPLEMENT_RESPONSE_WORKINGDAYS: '10' });
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as { level: number; variable: string; didYouMean: string };
    assert.deepEqual(
      [line.level, line.variable, line.didYouMean],
      [40, 'SUPPLEMENT_RESPONSE_WORKINGDAYS', 'SUPPLEMENT_RESPONSE_WORKING_DAYS'],
    );
  });
});
