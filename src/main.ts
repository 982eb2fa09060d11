import 'reflect-metadata';
import { destination, pino } from 'pino';
import { InvalidConfigError } from './platform/config/define-config';
import { startApp } from './platform/bootstrap';
import { logOptions } from './platform/logging/log-options';
import { withoutSecrets } from './platform/logging/without-secrets';

/** The monolith entrypoint (MODULES narrows it to a subset of modules). */
startApp().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: say what is wrong in one line, without a stack trace.
  // The app's logger may not exist yet, so this line is written here, to stderr, with any secret the environment holds blanked.
  const text = error instanceof InvalidConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  pino(logOptions('fatal'), destination({ fd: 2, sync: true })).fatal({ code: error instanceof InvalidConfigError ? 'CONFIG_INVALID' : 'START_FAILED' }, withoutSecrets(text, process.env));
  process.exit(1);
});
