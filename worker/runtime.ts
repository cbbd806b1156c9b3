/** Routes the Temporal SDK's own logs (worker state, retries) through our structured logger. */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../config/logger';

const SDK_LEVEL: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};

let installed = false;

export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const level = SDK_LEVEL[logger.level] ?? 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const fields = { sdk: true, ...entry.meta };
      const msg = entry.message;
      switch (entry.level) {
        case 'TRACE':
        case 'DEBUG':
          logger.debug(fields, msg);
          break;
        case 'INFO':
          logger.info(fields, msg);
          break;
        case 'WARN':
          logger.warn(fields, msg);
          break;
        default:
          logger.error(fields, msg);
      }
    }),
  });
}
