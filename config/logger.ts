/**
 * Structured logs to stdout (pino). Every line passes through the ID-number mask before it is
 * written, so no 18-character citizen ID number can reach a log, whatever a caller logs.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskIdNumbersInText } from '../domain/masking';

export type { Logger };

export function createLogger(opts: {
  level: string;
  name: string;
  /** Where lines go (stdout when omitted); tests pass a stream they read back. */
  destination?: DestinationStream;
}): Logger {
  const options = {
    name: opts.name,
    level: opts.level,
    base: { service: opts.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: (line: string) => maskIdNumbersInText(line) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
