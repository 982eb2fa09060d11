import { QuietStartLogger } from './quiet-start-logger';

/** Records which method each line reached, with its context (the last argument, as Nest passes it). */
function recorder() {
  const lines: Array<[string, unknown]> = [];
  const record =
    (level: string) =>
    (_message: unknown, ...params: unknown[]) =>
      lines.push([level, params.at(-1)]);
  return { lines, logger: { log: record('info'), error: record('error'), warn: record('warn'), debug: record('debug'), verbose: record('verbose'), fatal: record('fatal') } };
}

describe('QuietStartLogger', () => {
  it("logs Nest's module wiring and route mapping at debug and everything else as asked", () => {
    const { lines, logger } = recorder();
    const quiet = new QuietStartLogger(logger);
    quiet.log('AppModule dependencies initialized', 'InstanceLoader');
    quiet.log('OrdersController {/orders}:', 'RoutesResolver');
    quiet.log('Mapped {/orders, POST} route', 'RouterExplorer');
    quiet.log('Nest application successfully started', 'NestApplication');
    quiet.log({ msg: 'listening on http://0.0.0.0:8080' }, 'Startup');
    quiet.warn('access: customer endpoints OPEN', 'Startup');
    quiet.error('could not map a route', 'RouterExplorer');
    expect(lines).toEqual([
      ['debug', 'InstanceLoader'],
      ['debug', 'RoutesResolver'],
      ['debug', 'RouterExplorer'],
      ['debug', 'NestApplication'],
      ['info', 'Startup'],
      ['warn', 'Startup'],
      ['error', 'RouterExplorer'],
    ]);
  });
});
