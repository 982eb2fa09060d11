import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import type { Topology } from '../../scenarios/chain.scenarios';
import { AppProcess } from '../test-app';
import { createTestDatabase } from '../test-database';
import { startKafkaBroker } from './kafka-broker';
import { kafkaEnv } from './kafka-settings';
import { Gateway, moduleRoutes } from '../split/gateway';
import { MODULE_NAMES, MODULES, ModuleName } from '../../../src/modules';
import { startKafkaIngress } from './kafka-ingress';

/** Every module of the list, one process each. */
export const SPLIT_MODULES = MODULE_NAMES;
export type SplitModule = ModuleName;

/** The processes of a topology of `modules`, each `MODULES=<module>` over the shared environment. */
export function splitProcesses(modules: readonly string[], env: Record<string, string>, main?: string): Record<string, AppProcess> {
  return Object.fromEntries(modules.map((module) => [module, new AppProcess({ ...env, MODULES: module }, main)]));
}

export interface SplitTopology extends Topology {
  /** The process of each module. */
  processes: Record<SplitModule, AppProcess>;
  /** The environment every process shares (broker, topics, database). */
  env: Record<string, string>;
  /** The test broker's process id (undefined on KAFKA_BROKERS), for benchmarks that meter its CPU. */
  brokerPid?: number;
  /** A producer on the topology's broker, for tests that write records themselves. */
  producer: Producer;
  /** Starts a module's process again (after a kill), on whatever port it gets: the gateway follows it. */
  restart(module: SplitModule): Promise<void>;
}

/** Five processes start at once on two shared cores; each waits for its database, migrations and consumer groups. */
const START_TIMEOUT_MS = 90_000;

/**
 * One process per module (`MODULES=<module>`, EVENT_TRANSPORT=kafka) on one database and one Kafka broker,
 * behind a gateway that gives the topology one URL. `main` is the built entrypoint (dist/main.js by default).
 */
export async function startKafkaTopology(main?: string, extraEnv: Record<string, string> = {}): Promise<SplitTopology> {
  const settings: Record<string, string> = { ...kafkaEnv([]), EVENTS_OUTBOX_POLL_INTERVAL: 'PT0.2S', ...extraEnv };
  // The mock cannot create topics for the apps (no CreateTopics), so the events topic gets their partition count here.
  const broker = await startKafkaBroker({ topics: [{ name: settings.KAFKA_TOPIC, partitions: Number(settings.KAFKA_TOPIC_PARTITIONS) }] });
  const db = await createTestDatabase();
  const env: Record<string, string> = { ...settings, KAFKA_BROKERS: broker.brokers.join(','), DATABASE_URL: db.url };
  const kafka = new Kafka({ clientId: 'split-topology', brokers: broker.brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const processes = splitProcesses(SPLIT_MODULES, env, main) as Record<SplitModule, AppProcess>;
  const stopped = async () => {
    await Promise.all(Object.values(processes).map((app) => app.kill('SIGTERM')));
    await producer.disconnect();
    await db.drop();
    await broker.stop();
  };
  try {
    await producer.connect();
    await Promise.all(Object.values(processes).map((app) => app.start(START_TIMEOUT_MS)));
  } catch (error) {
    await stopped();
    throw error;
  }
  const ingress = await startKafkaIngress(producer, env.KAFKA_TOPIC);
  const gateway = new Gateway([...moduleRoutes(Object.values(MODULES), (module) => processes[module as SplitModule].url), { prefix: '/', method: 'POST', target: () => ingress.url }]);
  const url = await gateway.start();
  return {
    url,
    db,
    processes,
    env,
    brokerPid: broker.pid,
    producer,
    restart: (module) => processes[module].start(START_TIMEOUT_MS),
    stop: async () => {
      await gateway.stop();
      await ingress.close();
      await stopped();
    },
  };
}
