import { randomBytes } from 'node:crypto';

/**
 * Environment for an app on the test broker, with topics and groups of its own (so suites can share a real
 * cluster). The mock holds a group open sessionTimeout - 1 s after a member leaves, and 6 s is the least a
 * real broker accepts; a short fetch wait keeps shutdown quick (see kafka-broker.integration.spec.ts).
 */
export function kafkaEnv(brokers: string[]): Record<string, string> {
  const run = randomBytes(4).toString('hex');
  return {
    EVENT_TRANSPORT: 'kafka',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC: `events-${run}`,
    KAFKA_DEAD_LETTER_TOPIC: `dead-letters-${run}`,
    KAFKA_GROUP_PREFIX: `test-${run}`,
    KAFKA_TOPIC_PARTITIONS: '4',
    KAFKA_SESSION_TIMEOUT: 'PT6S',
    KAFKA_HEARTBEAT_INTERVAL: 'PT1S',
    KAFKA_MAX_WAIT: 'PT0.1S',
  };
}
