import { describeChainScenarios } from './scenarios/chain.scenarios';
import { startKafkaTopology } from './support/kafka/split-topology';

// The processes run the app as it ships: dist/, built by the jest global setup.
describeChainScenarios('the order chain as five processes over Kafka', () => startKafkaTopology());
