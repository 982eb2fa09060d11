/**
 * A subscription's `when`, over CloudEvent attributes only, in the Subscriptions API dialects a Knative Trigger's
 * `filters` field takes (`exact`, `not`): the generator copies it into the Trigger verbatim, so the Broker
 * drops what the subscriber would skip and a scale-to-zero Service is not woken for it. Routers in this
 * process evaluate the same expression. What the data says reaches a filter only as an extension attribute
 * its publisher sets (EventContract.attributes).
 */
export type AttributeFilter = { readonly exact: Readonly<Record<string, string>> } | { readonly not: AttributeFilter };

export function matchesFilter(filter: AttributeFilter, event: object): boolean {
  const attributes = event as Record<string, unknown>;
  if ('not' in filter) return !matchesFilter(filter.not, event);
  return Object.entries(filter.exact).every(([name, value]) => attributes[name] === value);
}
