import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { defineConfig, isoDuration } from '../../../platform/config/define-config';

const name = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a Kafka name: letters, digits, ".", "_" or "-"');

export const kafkaConfig = defineConfig(
  'kafka',
  z
    .object({
      EVENT_TRANSPORT: z.string().optional(),
      KAFKA_BROKERS: z
        .string()
        .transform((list) =>
          list
            .split(',')
            .map((server) => server.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')).min(1))
        .optional()
        .describe('Comma-separated Kafka bootstrap servers (host:port); required when EVENT_TRANSPORT=kafka.'),
      KAFKA_CLIENT_ID: name.default('toolsku').describe('Client id this process shows the brokers.'),
      KAFKA_TOPIC: name.default('toolsku.events').describe('The topic every event travels on; created when missing.'),
      KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(8).describe('Partitions of the topics this process creates (existing topics keep theirs).'),
      KAFKA_DEAD_LETTER_TOPIC: name.default('toolsku.dead-letters').describe('Where processes without the deadletter module send dead letters; the deadletter module reads it.'),
      KAFKA_GROUP_PREFIX: name.default('toolsku').describe('Consumer groups are <prefix>.<module>, one per subscribing module.'),
      KAFKA_SESSION_TIMEOUT: isoDuration.default('PT30S').describe('How long the group waits for a silent member before handing its partitions to others.'),
      KAFKA_HEARTBEAT_INTERVAL: isoDuration.default('PT3S').describe('Heartbeat interval of the consumers (below a third of KAFKA_SESSION_TIMEOUT); kept up during backoffs.'),
      KAFKA_MAX_WAIT: isoDuration.default('PT0.5S').describe('Longest a fetch waits for new records; also bounds how long a stopping consumer waits for its fetch.'),
      KAFKA_MIN_BYTES: z.coerce
        .number()
        .int()
        .min(1)
        .max(52_428_800)
        .default(1)
        .describe('Record bytes a fetch waits for (up to KAFKA_MAX_WAIT) before the broker answers: more means larger batches and fewer transactions, at up to KAFKA_MAX_WAIT of latency per hop.'),
    })
    .superRefine((config, context) => {
      if (config.EVENT_TRANSPORT === 'kafka' && !config.KAFKA_BROKERS) {
        context.addIssue({ code: 'custom', path: ['KAFKA_BROKERS'], message: 'required when EVENT_TRANSPORT=kafka' });
      }
    }),
);

export type KafkaConfig = ConfigType<typeof kafkaConfig>;
