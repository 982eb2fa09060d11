/**
 * What the bus itself knows of event types: a CloudEvent's `type` is `<prefix>.<name>`, the prefix coming from
 * EVENT_TYPE_PREFIX (default `com.toolsku`). The names belong to the modules that publish them (their
 * `<m>.events.ts`); the composition root hands the bus their list (EventsModule.forRoot, EVENT_CATALOG).
 */
export const DEFAULT_EVENT_TYPE_PREFIX = 'com.toolsku';

/** Not an event anyone publishes: the type of the dead letter of a Kafka record that names no type (`<prefix>.unreadable-record`). */
export const UNREADABLE_RECORD = 'unreadable-record';

/** The provider of the event type names the modules of the system publish (not only this process's). */
export const EVENT_CATALOG = Symbol('EVENT_CATALOG');

export function qualifiedType(name: string, prefix: string): string {
  return `${prefix}.${name}`;
}

/** The event type names of the system, and the lookup of a fully qualified type among them. */
export class EventCatalog {
  private readonly names: ReadonlySet<string>;

  constructor(names: readonly string[]) {
    this.names = new Set(names);
  }

  /** The catalog name of a fully qualified type, or undefined when the type is not ours. */
  nameOf(type: string, prefix: string): string | undefined {
    if (!type.startsWith(`${prefix}.`)) return undefined;
    const name = type.slice(prefix.length + 1);
    return this.names.has(name) ? name : undefined;
  }
}
