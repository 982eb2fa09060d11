import { z } from 'zod';

/**
 * A published event: its name (the catalog's: the bus knows the names its modules publish, `<noun>.<verb>`), the module that publishes it, the schema of its data, and whether
 * it may also come from outside the system (the ingress policy at `POST /` reads it).
 * Modules export these from `<module>.events.ts`; they are the only thing other modules depend on.
 */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly source: string;
  readonly schema: S;
  /**
   * Extension attributes the publisher derives from the data, so a Broker's Trigger can filter on them
   * (it sees attributes, never the data). Names: lower-case letters and digits, at most 20.
   */
  readonly attributes?: (data: z.output<S>) => Record<string, string>;
  /** True when producers outside the system may send it (with the ingress token); false: only its publisher, through the bus. */
  readonly external: boolean;
}

/** A CloudEvent type's part after the prefix: dot-separated lower-case words (Trigger filters and topic keys read it). */
const EVENT_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export type EventData<C extends EventContract> = z.output<C['schema']>;

export function defineEvent<S extends z.ZodType>(name: string, source: string, schema: S, options: { external?: boolean; attributes?: EventContract<S>['attributes'] } = {}): EventContract<S> {
  if (!EVENT_NAME.test(name)) throw new Error(`event name ${name} is not <noun>.<verb> in lower case`);
  return Object.freeze({ name, source, schema, external: options.external ?? false, ...(options.attributes ? { attributes: options.attributes } : {}) });
}
