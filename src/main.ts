import 'reflect-metadata';
import { startApp } from './platform/bootstrap';
import { exitOnFailedStart } from './platform/logging/failed-start';

/** The monolith entrypoint (MODULES narrows it to a subset of modules). */
startApp().catch(exitOnFailedStart);
