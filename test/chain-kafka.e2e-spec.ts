import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describeChainScenarios } from './scenarios/chain.scenarios';
import { startKafkaTopology } from './support/kafka/split-topology';

describeChainScenarios('the order chain as five processes over Kafka', async () => {
  // The processes run the app as it ships: build it from the current sources first.
  execFileSync('npm', ['run', 'build'], { cwd: resolve(__dirname, '..'), stdio: 'pipe' });
  return startKafkaTopology();
});
