import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { eventsConfig } from '../src/events/events.config';
import { kafkaConfig } from '../src/events/transport/kafka/kafka.config';
import { modulesToRun } from '../src/app/bootstrap';
import { MODULE_NAMES, MODULES } from '../src/modules';
import { databaseConfig } from '../src/platform/database/database.config';
import { httpConfig } from '../src/platform/http/http.config';
import { ingressConfig } from '../src/events/receiver/ingress.config';
import { customerAuthConfig } from '../src/platform/http/customers/customer-auth.config';
import { COMPOSE_FILE, COMPOSE_MARKERS, generateCompose, renderCompose } from '../src/split/manifests/compose';

/**
 * No Docker engine runs where the tests do, so docker-compose.yml and the Dockerfile are checked by construction:
 * the compose file against the Compose Specification's JSON Schema, both against the rules the deployment relies on.
 */

const root = path.resolve(__dirname, '..');
const SCHEMA_PATH = path.resolve(__dirname, 'fixtures/schemas/compose/compose-spec.json');

type Environment = Record<string, string | number | boolean | null> | string[];

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Environment };
  environment?: Environment;
  profiles?: string[];
  ports?: unknown;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean | string };
  privileged?: boolean | string;
  read_only?: boolean | string;
  security_opt?: string[];
  [key: string]: unknown;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

function loadCompose(text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')): ComposeFile {
  // merge: true resolves the `<<: *anchor` keys the file uses to share settings, as Compose itself does.
  return parse(text, { merge: true }) as ComposeFile;
}

function compileSchema(): ValidateFunction {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // The schema names its draft as https://json-schema.org/draft-07/schema, an alias Ajv does not know; the
  // draft-07 vocabulary is Ajv's default, so the reference is dropped rather than the schema rewritten.
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

function schemaErrors(validate: ValidateFunction, document: unknown): ErrorObject[] {
  return validate(document) ? [] : (validate.errors ?? [{ instancePath: '', message: 'invalid' } as ErrorObject]);
}

function environmentOf(variables: Environment | undefined): Record<string, string> {
  if (!variables) return {};
  if (Array.isArray(variables)) {
    return Object.fromEntries(variables.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function buildOf(service: Service): { context?: string; dockerfile?: string; args: Record<string, string> } {
  if (typeof service.build === 'string') return { context: service.build, args: {} };
  return { ...service.build, args: environmentOf(service.build?.args) };
}

function dependencyCondition(service: Service, dependency: string): string | undefined {
  const dependsOn = service.depends_on;
  if (Array.isArray(dependsOn)) return dependsOn.includes(dependency) ? 'service_started' : undefined;
  return dependsOn?.[dependency] ? (dependsOn[dependency].condition ?? 'service_started') : undefined;
}

/** The modules a process runs: its MODULES variable, else the image's MODULE build argument. */
function modulesOf(service: Service): string[] {
  const list = environmentOf(service.environment).MODULES ?? buildOf(service).args.MODULE ?? '';
  return list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const services = Object.entries(compose.services);
  const splitServices = services.filter(([, service]) => service.profiles?.includes('split') && service.build !== undefined);

  it('has the module services src/modules/index.ts declares (npm run manifests writes them, a stale copy fails here)', () => {
    expect(readFileSync(COMPOSE_FILE, 'utf8')).toEqual(renderCompose(readFileSync(COMPOSE_FILE, 'utf8')));
    expect(generateCompose({ check: true })).toEqual([]);
  });

  it('--check names a stale copy and leaves it alone; a write brings the module services back', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'compose-'));
    const file = path.join(dir, 'docker-compose.yml');
    try {
      const committed = readFileSync(COMPOSE_FILE, 'utf8');
      const stale = committed.replace(/\n {2}deadletter:\n(?: {4}.*\n)+/, '\n');
      writeFileSync(file, stale);
      expect(Object.keys(loadCompose(stale).services)).not.toContain('deadletter');
      expect(generateCompose({ check: true, file }).map((stalePath) => path.basename(stalePath))).toEqual(['docker-compose.yml']);
      expect(readFileSync(file, 'utf8')).toBe(stale);
      generateCompose({ file });
      expect(readFileSync(file, 'utf8')).toBe(committed);
      writeFileSync(file, committed.replace(COMPOSE_MARKERS.end, ''));
      expect(() => generateCompose({ file })).toThrow(/lacks the markers/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is valid against the Compose Specification schema', () => {
    const validate = compileSchema();
    // On failure Jest prints every Ajv error object: path, keyword and message.
    expect(schemaErrors(validate, compose)).toEqual([]);
  });

  it('the schema check can fail: a broken copy of the file is rejected', () => {
    const validate = compileSchema();

    const portsAsObject = structuredClone(compose);
    portsAsObject.services.app.ports = {};
    expect(schemaErrors(validate, portsAsObject)).toContainEqual(expect.objectContaining({ instancePath: '/services/app/ports', keyword: 'type' }));

    const unknownKey = structuredClone(compose);
    unknownKey.services.app.privilegd = true;
    expect(schemaErrors(validate, unknownKey)).toContainEqual(expect.objectContaining({ instancePath: '/services/app', keyword: 'additionalProperties', params: { additionalProperty: 'privilegd' } }));
  });

  it('builds the monolith from deploy/compose/Dockerfile and starts it once Postgres is healthy', () => {
    const app = compose.services.app;
    const build = buildOf(app);
    expect(build).toMatchObject({ context: '.', dockerfile: 'deploy/compose/Dockerfile' });
    expect(existsSync(path.resolve(root, build.context!, build.dockerfile!))).toBe(true);
    expect(dependencyCondition(app, 'postgres')).toBe('service_healthy');
    expect(app.profiles).toBeUndefined();
    expect(app.ports).toEqual(['8080:8080']);
    expect(environmentOf(app.environment)).toMatchObject({
      EVENT_TRANSPORT: 'inprocess',
      DATABASE_URL: expect.stringMatching(/^postgres:\/\/[^@]+@postgres:5432\/orders$/),
    });
    // The monolith runs every module: no MODULE narrows its image.
    expect(modulesOf(app)).toEqual([]);
  });

  it('gives every service a healthcheck', () => {
    for (const [name, service] of services) {
      const test = service.healthcheck?.test;
      expect({ name, test: Array.isArray(test) ? test[0] : test, disabled: service.healthcheck?.disable ?? false }).toEqual({
        name,
        test: expect.stringMatching(/^CMD(-SHELL)?$/),
        disabled: false,
      });
    }
  });

  it('runs no service privileged, and the service image read-only without privilege escalation', () => {
    for (const [name, service] of services) {
      expect({ name, privileged: service.privileged ?? false }).toEqual({ name, privileged: false });
    }
    for (const [name, service] of services.filter(([, candidate]) => candidate.build !== undefined)) {
      expect({ name, readOnly: service.read_only, securityOpt: service.security_opt }).toEqual({
        name,
        readOnly: true,
        securityOpt: expect.arrayContaining(['no-new-privileges:true']),
      });
    }
  });

  it('requires an ADMIN_TOKEN rather than shipping a default one', () => {
    for (const [name, service] of services.filter(([, candidate]) => candidate.build !== undefined)) {
      expect({ name, token: environmentOf(service.environment).ADMIN_TOKEN }).toEqual({ name, token: expect.stringMatching(/^\$\{ADMIN_TOKEN:\?.+\}$/) });
    }
  });

  it('splits into one Kafka-connected process per module, covering every module once', () => {
    expect(splitServices.map(([name]) => name).sort()).toEqual([...MODULE_NAMES].sort());
    const covered: string[] = [];
    for (const [name, service] of splitServices) {
      const environment = environmentOf(service.environment);
      expect({ name, transport: environment.EVENT_TRANSPORT, brokers: environment.KAFKA_BROKERS }).toEqual({ name, transport: 'kafka', brokers: 'kafka:9092' });
      expect({ name, dockerfile: buildOf(service).dockerfile }).toEqual({ name, dockerfile: 'deploy/compose/Dockerfile' });
      expect({ name, postgres: dependencyCondition(service, 'postgres'), kafka: dependencyCondition(service, 'kafka') }).toEqual({
        name,
        postgres: 'service_healthy',
        kafka: 'service_healthy',
      });
      const modules = modulesOf(service);
      expect({ name, modules }).toEqual({ name, modules: [expect.stringMatching(new RegExp(`^(${MODULE_NAMES.join('|')})$`))] });
      covered.push(...modules);
    }
    expect(covered.sort()).toEqual([...MODULE_NAMES].sort());
  });

  it('sets only variables the app reads, so a misspelt key cannot pass unnoticed', () => {
    const configs: Array<{ schema: { shape: object } }> = [
      httpConfig,
      databaseConfig,
      eventsConfig,
      kafkaConfig,
      ingressConfig,
      customerAuthConfig,
      ...Object.values(MODULES).flatMap((module): Array<{ schema: { shape: object } }> => [...module.configs]),
    ];
    const known = new Set(['MODULES', ...configs.flatMap((config) => Object.keys(config.schema.shape))]);
    for (const [name, service] of [['app', compose.services.app] as const, ...splitServices]) {
      expect({ name, unknown: Object.keys(environmentOf(service.environment)).filter((key) => !known.has(key)) }).toEqual({ name, unknown: [] });
    }
  });

  it('publishes a host port for the orders process only in the split profile, and keeps Kafka out of the monolith', () => {
    const published = splitServices.filter(([, service]) => service.ports !== undefined).map(([name, service]) => [name, service.ports]);
    expect(published).toEqual([['orders', ['8081:8080']]]);
    expect(compose.services.kafka.profiles).toEqual(['split']);
    expect(compose.services.postgres.profiles).toBeUndefined();
  });

  it('keeps Postgres and Kafka data in the named volumes', () => {
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['kafkadata', 'pgdata']);
    expect(compose.services.postgres.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    expect(compose.services.kafka.volumes).toEqual([expect.stringMatching(/^kafkadata:/)]);
  });
});

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, with comments dropped and backslash continuations joined. */
function instructionsOf(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  if (pending) logical.push(pending);
  return logical.map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** The image's stages: each FROM and the instructions after it. */
function stagesOf(instructions: Instruction[]): { from: string; name?: string; instructions: Instruction[] }[] {
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

describe('deploy/compose/Dockerfile', () => {
  const instructions = instructionsOf(readFileSync(path.join(root, 'deploy/compose/Dockerfile'), 'utf8'));
  const stages = stagesOf(instructions);
  const final = stages.at(-1)!;
  const dockerignore = readFileSync(path.join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('builds in a stage of its own and runs from a distroless or slim final stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatchObject({ name: 'build' });
    const buildSteps = stages[0].instructions
      .filter((instruction) => instruction.keyword === 'RUN')
      .map((instruction) => instruction.args)
      .join(' && ');
    expect(buildSteps).toEqual(expect.stringContaining('npm ci'));
    expect(buildSteps).toEqual(expect.stringContaining('npm run build'));
    expect(buildSteps).toEqual(expect.stringContaining('npm prune --omit=dev'));
    expect(final.from).toMatch(/distroless|slim/);
    expect(final.instructions).toContainEqual({ keyword: 'CMD', args: '["dist/main.js"]' });
  });

  it('runs as a non-root user', () => {
    const user = final.instructions.filter((instruction) => instruction.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    const [name] = user!.split(':');
    expect(['root', '0']).not.toContain(name);
  });

  it('never copies .data (the embedded database) into the image', () => {
    const copies = instructions.filter((instruction) => instruction.keyword === 'COPY' || instruction.keyword === 'ADD');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.args).not.toMatch(/\.data\b/);
    // A copy of the whole context would bring .data along unless the context leaves it out.
    expect(dockerignore).toEqual(expect.arrayContaining(['.data', 'node_modules', 'dist', '.git']));
  });

  it('lists no modules: built without MODULE, the image leaves MODULES empty, which runs every module', () => {
    expect(final.instructions).toContainEqual({ keyword: 'ARG', args: 'MODULE' });
    expect(final.instructions).toContainEqual({ keyword: 'ENV', args: 'MODULES=${MODULE}' });
    expect(modulesToRun({ MODULES: '' })).toEqual(MODULE_NAMES);
  });
});
