import { describeForgeries } from './scenarios/forgeries.scenarios';
import { SPLIT_MODULES, SplitModule, startKafkaTopology } from './support/kafka/split-topology';

/** The modules whose process has a subscription for each type: its POST / would handle a forged one. */
const SUBSCRIBERS: Record<string, SplitModule[]> = {
  'order.created': ['orders', 'inventory'],
  'payment.request': ['orders', 'payment'],
  'payment.result': ['orders', 'inventory', 'notification'],
  'inventory.insufficient': ['orders', 'notification'],
};

/** Issue 16 with one process per module over Kafka: every module process's own POST / is a door to try. */
describeForgeries('forged events at the five module processes over Kafka', async () => {
  const topology = await startKafkaTopology();
  return {
    url: topology.url,
    db: topology.db,
    receiversOf: (name) => SUBSCRIBERS[name].map((module) => topology.processes[module].url),
    intakes: SPLIT_MODULES.map((module) => topology.processes[module].url),
    stop: () => topology.stop(),
  };
});
