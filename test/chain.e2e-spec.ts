import { describeChainScenarios } from './scenarios/chain.scenarios';
import { startTestApp } from './support/test-app';

describeChainScenarios('the order chain as one NestJS app', () => startTestApp());
