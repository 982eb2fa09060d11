/**
 * The layers and module boundaries, checked by test/architecture.e2e-spec.ts (and `npx depcruise src`); each rule has
 * a fixture there that breaks it. Imports point one way, down (docs/adr/0025):
 *
 *   composition roots  src/app/, src/split/, src/main.ts   assemble the rest; nothing imports them
 *   modules            src/modules/<m>/                      talk to each other only through events and index.ts
 *   the event bus      src/events/                           generic: knows no module
 *   the platform       src/platform/                         infrastructure: knows no bus, no module
 *   the shared kernel  src/kernel/                           money and the error classes: imports nothing of ours
 *
 * SQL is out of depcruise's sight: test/support/schema-ownership.ts checks that only a schema's owner queries it.
 */
const ROOTS = ['(^|/)src/app/', '(^|/)src/split/', '(^|/)src/main\\.ts$'];

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
      name: 'nothing-imports-the-composition-root',
      comment: 'The composition roots sit on top: the modules, the bus, the platform and the kernel never import them.',
      severity: 'error',
      from: { path: '(^|/)src/(modules|events|platform|kernel)/' },
      to: { path: ROOTS },
    },
    {
      name: 'bus-knows-no-module',
      comment: 'The event bus is generic: it never depends on a module (a module registers with it instead).',
      severity: 'error',
      from: { path: '(^|/)src/events/' },
      to: { path: '(^|/)src/modules/' },
    },
    {
      name: 'platform-knows-no-module',
      comment: 'Shared infrastructure never depends on a module; a module registers its gauges and checks with it.',
      severity: 'error',
      from: { path: '(^|/)src/platform/' },
      to: { path: '(^|/)src/modules/' },
    },
    {
      name: 'platform-knows-no-bus',
      comment: 'The platform sits under the bus: the bus registers its readiness check and gauges with the platform.',
      severity: 'error',
      from: { path: '(^|/)src/platform/' },
      to: { path: '(^|/)src/events/' },
    },
    {
      name: 'kernel-stands-alone',
      comment: 'The shared kernel (money, the error classes) imports only itself and libraries, so every layer may use it.',
      severity: 'error',
      from: { path: '(^|/)src/kernel/' },
      to: { path: '(^|/)src/', pathNot: '(^|/)src/kernel/' },
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
