import { join } from 'node:path';
import { ModuleDeclaration, publishedTypes } from '../events/module-declaration';

/** Where a module's compiled declaration is under a build directory: its folder and `<m>.module.js`, by convention. */
export function declarationFile(out: string, name: string): string {
  return join(out, 'modules', name, `${name}.module.js`);
}

/**
 * The source of each split bundle's entry, by module name (scripts/build.mjs hands them to esbuild): the module's
 * own declaration file and the catalog of the whole system, so a bundle holds one module's code yet knows every
 * event type name (a Kafka consumer group skips the types it does not subscribe to, and dead-letters the others).
 */
export function bundleEntries(modules: readonly ModuleDeclaration[], out: string, locate = (name: string) => declarationFile(out, name)): Record<string, string> {
  const eventTypes = JSON.stringify(publishedTypes(modules));
  const entrypoint = JSON.stringify(join(out, 'split/entrypoint.js'));
  return Object.fromEntries(modules.map(({ name }) => [name, `require(${entrypoint}).runDeclaredModule(require(${JSON.stringify(locate(name))}), ${JSON.stringify(name)}, ${eventTypes});\n`]));
}
