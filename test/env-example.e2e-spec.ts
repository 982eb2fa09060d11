import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const ROOT = join(__dirname, '..');

interface Key {
  name: string;
  file: string;
  defaultValue?: string;
}

/** The input default of a config field (before any transform), or undefined when it has none. */
function defaultOf(schema: z.ZodType): string | undefined {
  const def = schema.def as { type: string; defaultValue?: unknown; in?: z.ZodType; innerType?: z.ZodType };
  if (def.type === 'default') return String(def.defaultValue);
  if (def.type === 'pipe') return defaultOf(def.in!);
  if (def.type === 'optional' || def.type === 'nullable') return defaultOf(def.innerType!);
  return undefined;
}

/** Every key of every `defineConfig` in src/**\/*.config.ts: what the processes read from the environment. */
function configKeys(): Key[] {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.config.ts'));
  const keys = new Map<string, Key>();
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- every config file, found at run time
    for (const exported of Object.values(require(join(ROOT, 'src', file)) as Record<string, unknown>)) {
      const schema = (exported as { schema?: unknown })?.schema;
      if (!(schema instanceof z.ZodObject)) continue;
      for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
        const defaultValue = defaultOf(field) ?? keys.get(name)?.defaultValue;
        keys.set(name, { name, file: `src/${file}`, defaultValue });
      }
    }
  }
  return [...keys.values()];
}

/** `KEY=value` lines, and `# KEY=...` lines for keys left unset by default. */
function exampleEntries(): Map<string, { value: string; commented: boolean }> {
  const entries = new Map<string, { value: string; commented: boolean }>();
  for (const line of readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n')) {
    const match = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) entries.set(match[2], { value: match[3], commented: !!match[1] });
  }
  return entries;
}

describe('.env.example', () => {
  const keys = configKeys();
  const entries = exampleEntries();

  it('finds the configuration (a sanity check of the scan itself)', () => {
    expect(keys.map((key) => key.name)).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'MODULES', 'SHUTDOWN_READINESS_GRACE', 'KAFKA_BROKERS']));
  });

  it('lists every configuration key with its default, or commented out when it has none', () => {
    const wrong = keys
      .filter(({ name, defaultValue }) => {
        const entry = entries.get(name);
        return defaultValue === undefined ? !entry?.commented : entry?.commented !== false || entry.value !== defaultValue;
      })
      .map(({ name, file, defaultValue }) => `${file}: ${defaultValue === undefined ? `# ${name}=` : `${name}=${defaultValue}`}`);
    expect(wrong).toEqual([]);
  });

  it('names no key the configuration does not read', () => {
    const known = new Set(keys.map((key) => key.name));
    expect([...entries.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});
