import 'reflect-metadata';
import { InvalidConfigError } from './platform/config/define-config';
import { startApp } from './platform/bootstrap';

/** The monolith entrypoint (MODULES narrows it to a subset of modules). */
startApp().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: say what is wrong in one place, without a stack trace.
  console.error(error instanceof InvalidConfigError ? error.message : error);
  process.exit(1);
});
