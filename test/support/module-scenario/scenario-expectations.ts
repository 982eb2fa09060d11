import { EventContract, EventData } from '../../../src/events';
import { eventually } from '../eventually';
import type { TestDatabase } from '../test-database';
import { ModuleOutbox, PublishedEvent } from './module-outbox';

/** One expectation, checked against what the module published after the event under test (its position). */
type Step = (position: number) => Promise<void>;

/**
 * What a scenario expects of the module once it acted. Awaiting it makes the module act (an event delivered
 * and handled, or a stimulus such as an HTTP call), then checks each expectation in the order given against
 * what came after; nothing runs until then, and the lint's no-floating-promises rule flags one left unawaited.
 */
export class Expectations implements PromiseLike<void> {
  private readonly steps: Step[] = [];
  private verified?: Promise<void>;

  constructor(
    private readonly outbox: ModuleOutbox,
    private readonly db: TestDatabase,
    private readonly timeoutMs: number,
    /** Makes the module act; resolves with the outbox position after which its publications count. */
    private readonly act: () => Promise<number>,
  ) {}

  /** Whether it was awaited (the scenario's close() fails on one that was not). */
  get ran(): boolean {
    return this.verified !== undefined;
  }

  /**
   * The module published (eventually) an event of `contract` whose data `matching` accepts: it neither
   * throws (an `expect(...)` inside it may) nor returns false.
   */
  expectPublished<C extends EventContract>(contract: C, matching: (data: EventData<C>) => boolean | void = () => true): this {
    this.steps.push((position) => eventually(() => this.findPublished(position, contract, matching), { timeoutMs: this.timeoutMs }));
    return this;
  }

  /** The module had published no event of `contract` by the time it handled the event under test. */
  expectNotPublished(contract: EventContract): this {
    this.steps.push(async (position) => {
      const published = await this.outbox.publishedAfter(position, contract);
      if (published.length > 0) throw new Error(`expected the module to publish no ${contract.name}, but it published ${listed(published)}`);
    });
    return this;
  }

  /** `probe` passes (eventually) on the module's database: it throws, an `expect(...)` inside it, until then. */
  expectState(probe: (db: TestDatabase) => unknown): this {
    this.steps.push(() => eventually(async () => void (await probe(this.db)), { timeoutMs: this.timeoutMs }));
    return this;
  }

  then<Fulfilled = void, Rejected = never>(
    onfulfilled?: ((value: void) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onrejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    this.verified ??= this.verify();
    return this.verified.then(onfulfilled, onrejected);
  }

  private async verify(): Promise<void> {
    const position = await this.act();
    for (const step of this.steps) await step(position);
  }

  private async findPublished<C extends EventContract>(position: number, contract: C, matching: (data: EventData<C>) => boolean | void): Promise<void> {
    const rejections: string[] = [];
    for (const event of await this.outbox.publishedAfter(position, contract)) {
      const rejection = rejectionOf(() => matching(event.data as EventData<C>));
      if (rejection === undefined) return;
      rejections.push(`${event.id}: ${rejection}`);
    }
    const published = await this.outbox.publishedAfter(position);
    const why = rejections.length > 0 ? `; the ${contract.name} it published did not match (${rejections.join('; ')})` : '';
    throw new Error(`expected the module to publish ${contract.name}${why}; it published ${listed(published)}`);
  }
}

/** Why `matching` rejected an event, or undefined when it accepted it. */
function rejectionOf(matching: () => boolean | void): string | undefined {
  try {
    return matching() === false ? 'the predicate returned false' : undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function listed(published: PublishedEvent[]): string {
  return published.length === 0 ? 'nothing' : published.map((event) => `${event.type} ${JSON.stringify(event.data)}`).join(', ');
}
