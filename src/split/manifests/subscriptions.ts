import 'reflect-metadata';
import { PATTERN_EXTRAS_METADATA } from '@nestjs/microservices/constants';
import { EventContract } from '../../events/contract';
import { SUBSCRIPTION_EXTRA, Subscription } from '../../events/subscription';
import { ModuleDeclaration } from '../../events/module-declaration';
import { MODULES } from '../../modules';

/** Every module of the system, in the list's order: what the generators derive from unless given another list. */
export const DECLARED_MODULES: readonly ModuleDeclaration[] = Object.values(MODULES);

export interface DeclaredSubscription {
  readonly module: string;
  readonly subscription: Subscription;
}

type Type = abstract new (...args: never[]) => unknown;

/**
 * Every `@Subscribe` declaration of every module, read from Nest's metadata (no app, no database):
 * the handler method's `microservices:pattern_extras`, property `subscription`. Sorted by name.
 */
export function collectSubscriptions(modules: readonly ModuleDeclaration[] = DECLARED_MODULES): DeclaredSubscription[] {
  const found: DeclaredSubscription[] = [];
  for (const { name: module, module: nestModule } of modules) {
    const controllers: Type[] = Reflect.getMetadata('controllers', nestModule) ?? [];
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

/** The events each module publishes (its declaration's), sorted by name: a module with none needs no K_SINK. */
export function collectPublications(modules: readonly ModuleDeclaration[] = DECLARED_MODULES): { module: string; contracts: EventContract[] }[] {
  return modules.map(({ name, publishes }) => ({ module: name, contracts: [...publishes].sort((a, b) => a.name.localeCompare(b.name)) }));
}

/** The modules that publish at least one event, in the list's order. */
export function publishingModules(modules: readonly ModuleDeclaration[] = DECLARED_MODULES): string[] {
  return collectPublications(modules)
    .filter(({ contracts }) => contracts.length > 0)
    .map(({ module }) => module);
}
