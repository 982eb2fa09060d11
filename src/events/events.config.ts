import { ConfigType } from '@nestjs/config';
import { z } from 'zod';
import { booleanFlag, defineConfig, isoDuration } from '../platform/config/define-config';
import { DEFAULT_EVENT_TYPE_PREFIX } from './catalog';

/** Knative's `K_CE_OVERRIDES`, `{"extensions":{"name":"value"}}`: the extensions it asks for, checked at start. */
const ceOverrides = z
  .string()
  .transform((raw, context) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be JSON such as {"extensions":{"name":"value"}}' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ extensions: z.record(z.string(), z.string()).default({}) }))
  .transform((overrides) => overrides.extensions)
  .superRefine((extensions, context) => {
    for (const name of Object.keys(extensions)) {
      if (!/^[a-z0-9]{1,20}$/.test(name)) context.addIssue({ code: 'custom', message: `${name} is not a CloudEvents attribute name (lower-case letters and digits, at most 20)` });
    }
  });

export const eventsConfig = defineConfig(
  'events',
  z.object({
    EVENT_TRANSPORT: z.enum(['inprocess', 'kafka', 'http']).default('inprocess').describe('How events travel between modules: in this process, over Kafka, or over HTTP to K_SINK (Knative).'),
    EVENT_TYPE_PREFIX: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'must be a reverse-DNS name such as com.toolsku')
      .default(DEFAULT_EVENT_TYPE_PREFIX)
      .describe('Prefix of every CloudEvent type.'),
    EVENTS_OUTBOX_DISPATCH: booleanFlag.default(true).describe('Whether this process dispatches the outbox (false: an intake-only replica).'),
    EVENTS_OUTBOX_POLL_INTERVAL: isoDuration.default('PT1S').describe('How often the outbox is polled for events committed by other processes or left by a crash.'),
    EVENTS_OUTBOX_LEASE: isoDuration
      .default('PT10S')
      .describe('How long an outbox event stays with the dispatcher that wrote or claimed it before another may take it over (renewed while in flight): the longest an event waits after its dispatcher crashed.'),
    EVENTS_DISPATCH_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(512)
      .describe('Events delivered at once by this process (an event holds its slot until every local subscription settled, so a deep pipeline needs many).'),
    EVENTS_SUBSCRIPTION_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(1)
      .describe('Transactions one subscription runs at once in this process; while all are busy, arrivals queue and share the next one. Raise it for handlers that wait on slow I/O (keep it below DATABASE_POOL_SIZE).'),
    EVENTS_DELIVERY_BATCH: z.coerce.number().int().min(1).max(256).default(32).describe('Most events of one subscription handled in one transaction when they queue up (1: a transaction per event).'),
    EVENTS_DELIVERY_QUEUE_LIMIT: z.coerce
      .number()
      .int()
      .min(1)
      .default(4096)
      .describe('Most deliveries that wait for one subscription in this process; past it a delivery is refused with a retryable error (POST / answers 503) instead of queued.'),
    ADMISSION_DELIVERIES_WAITING: z.coerce
      .number()
      .int()
      .min(0)
      .default(8192)
      .describe('Intake (POST /orders, POST /) answers 503 with Retry-After while more deliveries than this wait in this process (every subscription, and committed events waiting for a dispatch slot).'),
    ADMISSION_OUTBOX_PENDING: z.coerce.number().int().min(0).default(20000).describe('Intake answers 503 with Retry-After while more outbox events than this are undispatched (sampled at most once a second).'),
    ADMISSION_RETRY_AFTER: isoDuration.default('PT1S').describe('The Retry-After of a shed request (whole seconds, at least 1).'),
    K_CE_OVERRIDES: ceOverrides.optional().describe('Set by Knative: JSON {"extensions":{...}} added to every event this process emits.'),
  }),
);

export type EventsConfig = ConfigType<typeof eventsConfig>;
