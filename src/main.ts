import 'reflect-metadata';
import { startApp } from './platform/bootstrap';
import { exitOnFailedStart } from './platform/logging/failed-start';
import { reportListening } from './platform/report-listening';

/** The monolith entrypoint (MODULES narrows it to a subset of modules). */
startApp().then(reportListening).catch(exitOnFailedStart);
