import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

/** SQL that names a schema from outside the folder that owns it. */
export interface ForeignQuery {
  file: string;
  schema: string;
  owner: string;
  name: string;
}

/** A string is taken for SQL when it holds an upper-case SQL keyword (or to_regclass): event types, log lines and names do not. */
const SQL = /\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN|INTO|TRUNCATE|ALTER|DROP|CREATE)\b|to_regclass\(/;
const CREATE_SCHEMA = /CREATE SCHEMA (?:IF NOT EXISTS )?"?(\w+)"?/g;

/**
 * Every Postgres schema belongs to the folder whose migrations create it (`src/modules/orders` owns `orders`, the
 * bus `src/events` owns `events`); only code in that folder may name it in SQL. dependency-cruiser sees imports, not
 * SQL: this reads every string and template literal under `tree` (specs aside) and reports each `<schema>.<name>`
 * in SQL-looking text outside its owner.
 */
export function foreignQueries(tree: string): ForeignQuery[] {
  const files = sources(tree).map((path) => ({ path: relative(tree, path), literals: literals(path) }));
  const owners = ownersIn(files);
  const qualified = new RegExp(`(?<![\\w.$"])"?(${[...owners.keys()].join('|')})"?\\."?(\\w+)`, 'g');
  return files.flatMap(({ path, literals: texts }) =>
    texts
      .filter((text) => SQL.test(text))
      .flatMap((text) => [...text.matchAll(qualified)])
      .map(([, schema, name]) => ({ file: path, schema, owner: owners.get(schema)!, name }))
      .filter(({ file, owner }) => !file.startsWith(`${owner}/`)),
  );
}

/** Each schema and the folder (relative to `tree`) whose migrations create it. */
export function schemaOwners(tree: string): Record<string, string> {
  return Object.fromEntries(ownersIn(sources(tree).map((path) => ({ path: relative(tree, path), literals: literals(path) }))));
}

function ownersIn(files: Array<{ path: string; literals: string[] }>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const { path, literals: texts } of files) {
    const [owner, inMigrations] = path.split('/migrations/');
    if (inMigrations === undefined) continue;
    for (const text of texts) for (const [, schema] of text.matchAll(CREATE_SCHEMA)) owners.set(schema, owner);
  }
  return owners;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The text of every string literal and template (a template's parts joined, its substitutions left out). */
function literals(path: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    else if (ts.isTemplateExpression(node)) found.push([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' '));
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, false));
  return found;
}
