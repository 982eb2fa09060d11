// Preloaded by the fault tests only (NODE_OPTIONS=--require ...): TEST_CRASH_AT=<checkpoint>[:<n>] kills this
// process with SIGKILL the n-th time (default: the first) it reaches that checkpoint of src/events/checkpoints.ts,
// the moment a real crash would hurt most. Never part of a build: the app itself cannot be told to crash (ADR 17).
const { subscribe } = require('node:diagnostics_channel');

const [checkpoint, nth = '1'] = (process.env.TEST_CRASH_AT ?? '').split(':');
if (checkpoint) {
  let reached = 0;
  subscribe(`toolsku:${checkpoint}`, () => {
    reached += 1;
    if (reached >= Number(nth)) process.kill(process.pid, 'SIGKILL');
  });
}
