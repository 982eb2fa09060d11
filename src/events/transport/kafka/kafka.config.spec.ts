import { parseConfig } from '../../../platform/config/define-config';
import { kafkaConfig } from './kafka.config';

const parse = (env: Record<string, string>) => parseConfig(kafkaConfig.namespace, kafkaConfig.schema, env);

describe('the kafka configuration', () => {
  it('needs no brokers while events stay in the process', () => {
    const config = parse({ EVENT_TRANSPORT: 'inprocess' });
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config).toMatchObject({ KAFKA_TOPIC: 'toolsku.events', KAFKA_GROUP_PREFIX: 'toolsku' });
  });

  it('stops a Kafka process without brokers, naming the key', () => {
    expect(() => parse({ EVENT_TRANSPORT: 'kafka' })).toThrow('invalid kafka configuration:\n  KAFKA_BROKERS: required when EVENT_TRANSPORT=kafka');
  });

  it('reads a comma-separated broker list and refuses a server without a port', () => {
    expect(parse({ EVENT_TRANSPORT: 'kafka', KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092' }).KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(() => parse({ EVENT_TRANSPORT: 'kafka', KAFKA_BROKERS: 'kafka-1' })).toThrow(/KAFKA_BROKERS\.0: must be host:port/);
  });

  it('answers fetches on the first record unless told to wait for more, and refuses less than a byte', () => {
    expect(parse({}).KAFKA_MIN_BYTES).toBe(1);
    expect(parse({ KAFKA_MIN_BYTES: '16384' }).KAFKA_MIN_BYTES).toBe(16_384);
    expect(() => parse({ KAFKA_MIN_BYTES: '0' })).toThrow(/KAFKA_MIN_BYTES/);
  });

  it('documents every key', () => {
    const undocumented = Object.entries(kafkaConfig.schema.shape).filter(([key, schema]) => key.startsWith('KAFKA_') && !schema.description);
    expect(undocumented.map(([key]) => key)).toEqual([]);
  });
});
