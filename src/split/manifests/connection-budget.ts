import { ModuleDeclaration } from '../../events/module-declaration';

/**
 * Every pod of every Service holds its own pool of Postgres connections, so Knative's autoscaler can open
 * max-scale x DATABASE_POOL_SIZE per Service. The generator derives both from one declared budget (the
 * server's max_connections, or what a pooler in front of it admits) instead of letting five Services at
 * their defaults ask for ten times what Postgres allows.
 */

/** Postgres's own default `max_connections`. */
export const DEFAULT_POSTGRES_CONNECTIONS = 100;
/**
 * Kept out of the Services' share: Postgres's superuser_reserved_connections (3), and room for a migration or
 * a psql session run by hand, backups and monitoring.
 */
export const RESERVED_CONNECTIONS = 10;
/** Besides one connection per subscription: HTTP requests, the outbox dispatcher, the readiness probe. */
const CONNECTIONS_BESIDES_SUBSCRIPTIONS = 2;
const DEFAULT_MAX_SCALE = 10;

export interface ServiceConnections {
  readonly poolSize: number;
  readonly maxScale: number;
}

/** The budget cannot hold what the Services need: generation stops naming the Service and the numbers. */
export class ConnectionBudgetError extends Error {}

/**
 * Each Service gets an equal share of the budget left after the reserve. Its pool holds one connection per
 * subscription (each runs one transaction at a time, EVENTS_SUBSCRIPTION_CONCURRENCY=1) plus the rest of the
 * process's needs; its max-scale is as many pods as its share holds, at most what the module declares.
 */
export function connectionBudget(modules: readonly ModuleDeclaration[], subscriptionsOf: (module: string) => number, budget = DEFAULT_POSTGRES_CONNECTIONS): Record<string, ServiceConnections> {
  if (!Number.isInteger(budget) || budget <= RESERVED_CONNECTIONS) throw new ConnectionBudgetError(`the Postgres connection budget must be a whole number above the ${RESERVED_CONNECTIONS} reserved, got ${budget}`);
  const share = Math.floor((budget - RESERVED_CONNECTIONS) / modules.length);
  const plan: Record<string, ServiceConnections> = {};
  for (const module of modules) {
    const poolSize = subscriptionsOf(module.name) + CONNECTIONS_BESIDES_SUBSCRIPTIONS;
    const maxScale = Math.min(module.scaling?.maxScale ?? DEFAULT_MAX_SCALE, Math.floor(share / poolSize));
    const minScale = Math.max(1, module.scaling?.minScale ?? 0);
    if (maxScale < minScale) {
      throw new ConnectionBudgetError(
        `${module.name} needs ${minScale} pod(s) of ${poolSize} connections; ${budget} connections (${RESERVED_CONNECTIONS} reserved, ${modules.length} Services) leave it ${share}: raise the budget or put PgBouncer in front`,
      );
    }
    plan[module.name] = { poolSize, maxScale };
  }
  return plan;
}
