import { destination, pino } from 'pino';
import { InvalidConfigError } from '../config/define-config';
import { logOptions } from './log-options';
import { withoutSecrets } from './without-secrets';

/**
 * Reports a process that could not start, as one fatal JSON line on stderr, and ends it. A bad configuration
 * is the operator's to fix: its line says what is wrong, without a stack trace. The app's logger may not exist
 * yet, so the line is written here, with any secret the environment holds blanked.
 */
export function exitOnFailedStart(error: unknown): never {
  const text = error instanceof InvalidConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  pino(logOptions('fatal'), destination({ fd: 2, sync: true })).fatal({ code: error instanceof InvalidConfigError ? 'CONFIG_INVALID' : 'START_FAILED' }, withoutSecrets(text, process.env));
  process.exit(1);
}
