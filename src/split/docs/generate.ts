import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ModuleDeclaration } from '../../events/module-declaration';
import { collectPublications, collectSubscriptions, DECLARED_MODULES } from '../manifests/subscriptions';
import { renderAsyncApi } from './asyncapi';
import { renderEventFlow } from './event-flow';
import { renderReadme } from './readme';

const ROOT = resolve(__dirname, '../../..');

/** `docs/event-flow.md` and `README.md` of this repository (from src/split/docs or dist/split/docs alike). */
export const EVENT_FLOW_FILE = resolve(ROOT, 'docs/event-flow.md');
export const README_FILE = resolve(ROOT, 'README.md');
export const ASYNCAPI_FILE = resolve(ROOT, 'docs/asyncapi.yaml');

const VERSION = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Every generated file with its content as the code declares it today (the README with its generated blocks). */
export function renderDocs({ flow = EVENT_FLOW_FILE, readme = README_FILE, asyncapi = ASYNCAPI_FILE } = {}, modules: readonly ModuleDeclaration[] = DECLARED_MODULES): Record<string, string> {
  const subscriptions = collectSubscriptions(modules);
  const publications = collectPublications(modules);
  return {
    [flow]: renderEventFlow(subscriptions, publications),
    [readme]: renderReadme(readFileSync(readme, 'utf8'), modules, subscriptions, publications),
    [asyncapi]: renderAsyncApi(subscriptions, publications, VERSION),
  };
}

/** Writes the files, or with `check` only compares them; returns the stale files' paths (relative to cwd). */
export function generateDocs({ check = false, ...files }: { check?: boolean; flow?: string; readme?: string; asyncapi?: string } = {}): string[] {
  const stale: string[] = [];
  for (const [path, content] of Object.entries(renderDocs(files))) {
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    stale.push(relative(process.cwd(), path));
    if (!check) writeFileSync(path, content);
  }
  return stale;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const stale = generateDocs({ check });
  if (check && stale.length > 0) {
    for (const path of stale) console.error(`${path} is stale: run npm run docs`);
    process.exit(1);
  }
  console.log(check ? 'docs are up to date' : stale.length ? `wrote ${stale.join(', ')}` : 'docs unchanged');
}
