import 'reflect-metadata';
import { startApp } from './platform/bootstrap';
import { serveApiDocs } from './platform/http/api-docs/serve-api-docs';
import { exitOnFailedStart } from './platform/logging/failed-start';
import { reportListening } from './platform/report-listening';

/** The monolith entrypoint (MODULES narrows it to a subset of modules). */
startApp(process.env, { apiDocs: serveApiDocs }).then(reportListening).catch(exitOnFailedStart);
