import 'reflect-metadata';
import { PATTERN_EXTRAS_METADATA } from '@nestjs/microservices/constants';
import { EventContract } from '../../events/contract';
import { SUBSCRIPTION_EXTRA, Subscription } from '../../events/subscription';
import * as deadletter from '../../modules/deadletter';
import * as inventory from '../../modules/inventory';
import * as notification from '../../modules/notification';
import * as orders from '../../modules/orders';
import * as payment from '../../modules/payment';
import { MODULE_NAMES, MODULES, ModuleName } from '../../modules';

export interface DeclaredSubscription {
  readonly module: ModuleName;
  readonly subscription: Subscription;
}

type Type = abstract new (...args: never[]) => unknown;

/**
 * Every `@Subscribe` declaration of every module, read from Nest's metadata (no app, no database):
 * the handler method's `microservices:pattern_extras`, property `subscription`. Sorted by name.
 */
export function collectSubscriptions(): DeclaredSubscription[] {
  const found: DeclaredSubscription[] = [];
  for (const module of MODULE_NAMES) {
    const controllers: Type[] = Reflect.getMetadata('controllers', MODULES[module].module) ?? [];
    for (const controller of controllers) {
      const prototype = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(prototype)) {
        if (key === 'constructor') continue;
        const method = Object.getOwnPropertyDescriptor(prototype, key)?.value;
        if (typeof method !== 'function') continue;
        const extras = Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method) as Record<string, unknown> | undefined;
        const subscription = extras?.[SUBSCRIPTION_EXTRA] as Subscription | undefined;
        if (subscription) found.push({ module, subscription });
      }
    }
  }
  const names = new Set<string>();
  for (const { subscription } of found) {
    if (names.has(subscription.name)) throw new Error(`two subscriptions are named ${subscription.name}: Trigger names must be unique`);
    names.add(subscription.name);
  }
  return found.sort((a, b) => a.subscription.name.localeCompare(b.subscription.name));
}

/** Each module's published contracts (its index.ts exports), by the module name MODULES uses. */
const CONTRACTS: Record<ModuleName, Record<string, unknown>> = { orders, inventory, payment, notification, deadletter };

function isContract(value: unknown): value is EventContract {
  return typeof value === 'object' && value !== null && 'name' in value && 'source' in value && 'schema' in value;
}

/** The events each module publishes (its public contracts), sorted by name: a module with none needs no K_SINK. */
export function collectPublications(): { module: ModuleName; contracts: EventContract[] }[] {
  return MODULE_NAMES.map((module) => ({
    module,
    contracts: Object.values(CONTRACTS[module])
      .filter(isContract)
      .sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

/** The modules that publish at least one event, in MODULES order. */
export function publishingModules(): ModuleName[] {
  return collectPublications()
    .filter(({ contracts }) => contracts.length > 0)
    .map(({ module }) => module);
}
