import { TransactionHost } from '@nestjs-cls/transactional';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { EventContract, EventData, EventRouter, EventsConfig, eventsConfig, Outbox } from '../../../src/events';
import type { ModuleDeclaration } from '../../../src/events';
import { startTestModules, TestApp } from '../test-app';
import type { TestDatabase } from '../test-database';
import { ModuleOutbox } from './module-outbox';
import { Expectations } from './scenario-expectations';

export { Expectations } from './scenario-expectations';
export type { PublishedEvent } from './module-outbox';

/** What an event delivered to the module may carry besides its data. */
export interface DeliveryOptions {
  /** The CloudEvents subject (the order id on every event here): the data's `orderId` when left out. */
  subject?: string;
}

export interface ScenarioOptions {
  /** Settings for the module's process (its config namespaces), on top of the test defaults. */
  env?: Record<string, string>;
  /** How long an expectation, or the handling of an event, is waited for before the scenario fails. */
  timeoutMs?: number;
}

/**
 * One module on its own, as a single-module entrypoint runs it, on a fresh database, with the event bus in
 * process: given some state, when an event arrives, expect what the module published and the state it left.
 * Events reach it as they reach it in the monolith (published to the outbox, dispatched to its subscriptions:
 * CloudEvent, inbox, one transaction per delivery), and the events it publishes stay in its outbox, where
 * the scenario reads them: the modules that would consume them are not running.
 */
export class ModuleScenario {
  private readonly outbox: ModuleOutbox;
  private readonly acts: Expectations[] = [];

  /** Made by `moduleScenario()`, on the module it started. */
  constructor(
    private readonly module: ModuleDeclaration,
    private readonly running: TestApp,
    private readonly timeoutMs: number,
  ) {
    this.outbox = new ModuleOutbox(running.db, running.app.get<EventsConfig>(eventsConfig.KEY).EVENT_TYPE_PREFIX, timeoutMs);
  }

  /** The module's database (its schema and the bus's), for givens and state checks in SQL. */
  get db(): TestDatabase {
    return this.running.db;
  }

  /** The module's own HTTP API; `{ admin: true }` sends the admin token. */
  get http(): TestApp['http'] {
    return this.running.http;
  }

  /** State set before the event under test arrives. */
  readonly given = {
    sql: async (statement: string, params?: unknown[]): Promise<void> => void (await this.running.db.query(statement, params)),
    /** An event the module handles before the one under test; what it publishes is not expected of the scenario. */
    event: async <C extends EventContract>(contract: C, data: z.input<C['schema']>, options: DeliveryOptions = {}): Promise<void> => {
      await this.outbox.handled(await this.deliver(contract, data, options));
    },
  };

  /** Delivers the event; the expectations chained on what this returns run when it is awaited. */
  when<C extends EventContract>(contract: C, data: z.input<C['schema']>, options: DeliveryOptions = {}): Expectations {
    return this.expecting(async () => this.outbox.handled(await this.deliver(contract, data, options)));
  }

  /**
   * Runs `stimulus` (a call to the module's HTTP API, say); the expectations chained on what this returns see
   * what the module published from then on. The stimulus is awaited, the events it causes are waited for.
   */
  stimulate(stimulus: () => Promise<unknown>): Expectations {
    return this.expecting(async () => {
      const position = await this.outbox.latest();
      await stimulus();
      return position;
    });
  }

  /** Stops the module and drops its database; fails when a `when` or `stimulate` was never awaited (its expectations never ran). */
  async close(): Promise<void> {
    await this.running.stop();
    const unawaited = this.acts.filter((act) => !act.ran).length;
    if (unawaited > 0) throw new Error(`${unawaited} when(...) or stimulate(...) never awaited: their expectations did not run`);
  }

  private expecting(act: () => Promise<number>): Expectations {
    const expectations = new Expectations(this.outbox, this.running.db, this.timeoutMs, act);
    this.acts.push(expectations);
    return expectations;
  }

  /**
   * Publishes the event as its publisher would, through the bus's outbox; the dispatcher hands it to the
   * module. An event no subscription of the module takes fails the scenario: it would settle at once, untouched.
   */
  private async deliver<C extends EventContract>(contract: C, data: z.input<C['schema']>, options: DeliveryOptions): Promise<string> {
    const app = this.running.app;
    const parsed = contract.schema.parse(data) as EventData<C>;
    const subject = options.subject ?? orderIdOf(parsed) ?? randomUUID();
    const event = await app.get(ClsService).run(() => app.get(TransactionHost).withTransaction(() => app.get(Outbox).publish(contract, parsed, subject)));
    if (app.get(EventRouter).subscriptionsFor(event).length === 0) throw new Error(`the ${this.module.name} module has no subscription for ${contract.name}`);
    return event.id;
  }
}

/** Boots `module` alone for a scenario; close it when done. */
export async function moduleScenario(module: ModuleDeclaration, options: ScenarioOptions = {}): Promise<ModuleScenario> {
  const running = await startTestModules([module], { EVENT_TRANSPORT: 'inprocess', ...options.env });
  return new ModuleScenario(module, running, options.timeoutMs ?? 20_000);
}

function orderIdOf(data: unknown): string | undefined {
  const orderId = (data as { orderId?: unknown } | null)?.orderId;
  return typeof orderId === 'string' ? orderId : undefined;
}
