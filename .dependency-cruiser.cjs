/**
 * The module boundaries, checked by test/architecture.e2e-spec.ts (and `npx depcruise src`).
 * Modules talk through events: a module may use src/events, src/platform, and another module's index.ts
 * (its published event contracts), never another module's internals.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-module-internals',
      comment: 'A module imports another module only through its index.ts (the published contract).',
      severity: 'error',
      from: { path: '(^|/)src/modules/([^/]+)/' },
      to: { path: '(^|/)src/modules/([^/]+)/', pathNot: ['(^|/)src/modules/$2/', '(^|/)src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'bus-knows-no-module',
      comment: 'The event bus is generic: it never depends on a module.',
      severity: 'error',
      from: { path: '(^|/)src/events/' },
      to: { path: '(^|/)src/modules/' },
    },
    {
      name: 'platform-knows-no-module',
      comment: 'Shared infrastructure never depends on a module; only the composition roots do.',
      severity: 'error',
      from: { path: '(^|/)src/platform/', pathNot: '(^|/)src/platform/bootstrap\\.ts$' },
      to: { path: '(^|/)src/modules/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '(^|/)src/' },
      to: { circular: true, viaOnly: { pathNot: '\\.entity\\.ts$' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
