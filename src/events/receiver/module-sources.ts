/**
 * The names our modules publish under (each contract's `source`, and the subscribers): an external producer may not
 * send under one of them. The bus knows no module (test/architecture), so the list is written here and
 * module-sources.spec.ts checks it against src/modules.
 */
export const MODULE_SOURCES: readonly string[] = ['orders', 'inventory', 'payment', 'notification', 'deadletter'];

/** Whether a CloudEvent `source` names one of our modules, however it is cased or slashed. */
export function namesAModule(source: string): boolean {
  return MODULE_SOURCES.includes(
    source
      .trim()
      .replace(/^\/+|\/+$/g, '')
      .toLowerCase(),
  );
}
