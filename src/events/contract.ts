import { z } from 'zod';
import { EventTypeName } from './catalog';

/**
 * A published event: its catalog name, the module that publishes it, and the schema of its data.
 * Modules export these from `<module>.events.ts`; they are the only thing other modules depend on.
 */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly name: EventTypeName;
  readonly source: string;
  readonly schema: S;
  /**
   * Extension attributes the publisher derives from the data, so a Broker's Trigger can filter on them
   * (it sees attributes, never the data). Names: lower-case letters and digits, at most 20.
   */
  readonly attributes?: (data: z.output<S>) => Record<string, string>;
}

export type EventData<C extends EventContract> = z.output<C['schema']>;

export function defineEvent<S extends z.ZodType>(name: EventTypeName, source: string, schema: S, attributes?: EventContract<S>['attributes']): EventContract<S> {
  return Object.freeze({ name, source, schema, ...(attributes ? { attributes } : {}) });
}
