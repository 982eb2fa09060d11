import 'reflect-metadata';
import { MODULES } from './modules';
import { modulesToRun, startApp } from './app/bootstrap';
import { isMigrateCommand, migrateCommand } from './app/migrate-command';
import { serveApiDocs } from './platform/http/api-docs/serve-api-docs';
import { exitOnFailedStart } from './platform/logging/failed-start';
import { reportListening } from './app/report-listening';

/** The monolith entrypoint (MODULES narrows it to a subset of modules); `dist/main.js migrate` migrates and ends. */
if (isMigrateCommand())
  migrateCommand(modulesToRun().map((name) => MODULES[name]))
    .then(() => process.exit(0))
    .catch(exitOnFailedStart);
else startApp(process.env, { apiDocs: serveApiDocs }).then(reportListening).catch(exitOnFailedStart);
