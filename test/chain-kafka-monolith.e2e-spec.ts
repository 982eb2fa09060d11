import { describeChainScenarios } from './scenarios/chain.scenarios';
import { startKafkaBroker } from './support/kafka/kafka-broker';
import { kafkaEnv } from './support/kafka/kafka-settings';
import { startTestApp } from './support/test-app';

describeChainScenarios('the order chain as one NestJS app over Kafka (one consumer group per module)', async () => {
  const broker = await startKafkaBroker();
  const app = await startTestApp(kafkaEnv(broker.brokers)).catch(async (error) => {
    await broker.stop();
    throw error;
  });
  return { ...app, stop: () => app.stop().finally(() => broker.stop()) };
});
