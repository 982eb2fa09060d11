import { describeChainScenarios } from './scenarios/chain.scenarios';
import { startSplitTopology } from './support/split/split-topology';

// A Broker answers 202 at its ingress and retries without telling the subscriber the attempt number.
describeChainScenarios('the order chain as five Knative Services (built bundles, routed by the generated Triggers)', () => startSplitTopology(), {
  ingressStatus: 202,
  inboxCountsAttempts: false,
});
