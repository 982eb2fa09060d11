import type { Type } from '@nestjs/common';
import type { z } from 'zod';
import type { Migration } from './database/database.module';

/** Knative autoscaling a module asks for when its defaults do not fit (the manifest generator applies it). */
export interface ScalingDefaults {
  readonly minScale?: number;
  readonly maxScale?: number;
  readonly target?: number;
}

/**
 * What a composition root needs to run one module: its Nest module, its migrations and the configuration
 * namespaces to validate before start. Each module declares it beside its Nest module, so the monolith and a
 * single-module entrypoint (src/split) assemble the same thing.
 */
export interface RunnableModule {
  readonly name: string;
  readonly module: Type<unknown>;
  readonly migrations: readonly Migration[];
  readonly configs: readonly { namespace: string; schema: z.ZodObject }[];
  readonly scaling?: ScalingDefaults;
  /** Endpoints only the Knative Broker calls (a dead-letter intake): imported with EVENT_TRANSPORT=http, not routed at all otherwise. */
  readonly brokerEndpoints?: Type<unknown>;
}
