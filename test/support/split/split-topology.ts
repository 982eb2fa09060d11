import { MODULE_NAMES, ModuleName } from '../../../src/modules';
import { Topology } from '../../scenarios/chain.scenarios';
import { createTestDatabase } from '../test-database';
import { BrokerDouble } from './broker-double';
import { BundleProcess, buildSplitBundles } from './bundles';
import { Gateway } from './gateway';

export interface SplitTopology extends Topology {
  broker: BrokerDouble;
  processes: Record<ModuleName, BundleProcess>;
}

/**
 * The split deployment on one machine: the five built bundles, each its own process on one database, all
 * publishing to a Broker double that routes by the committed Triggers, and a gateway giving the scenarios one
 * URL (`/orders*`, `/inventory*`, `/notifications*`, `/dead-letters*` to their owners, `POST /` into the Broker).
 */
export async function startSplitTopology(env: Record<string, string> = {}): Promise<SplitTopology> {
  const build = buildSplitBundles();
  const db = await createTestDatabase();
  const broker = new BrokerDouble();
  const sink = await broker.start();
  const processes = Object.fromEntries(MODULE_NAMES.map((module) => [module, new BundleProcess(module, build.dir, { DATABASE_URL: db.url, K_SINK: sink, ...env })])) as SplitTopology['processes'];
  const gateway = new Gateway([
    { prefix: '/orders', target: () => processes.orders.url },
    { prefix: '/inventory', target: () => processes.inventory.url },
    { prefix: '/notifications', target: () => processes.notification.url },
    { prefix: '/dead-letters', target: () => processes.deadletter.url },
    { prefix: '/', method: 'POST', target: () => broker.url },
  ]);
  const stop = async () => {
    await Promise.all(Object.values(processes).map((process) => process.stop()));
    await broker.stop();
    await gateway.stop();
    await db.drop();
    build.remove();
  };
  try {
    // All at once, as Knative starts them on a first deploy: the migration lock keeps their migrations apart.
    await Promise.all(Object.values(processes).map((process) => process.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  for (const process of Object.values(processes)) broker.serve(process.module, process.url);
  return { url: await gateway.start(), db, broker, processes, stop };
}
