import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { serveApiDocs } from '../src/platform/http/api-docs/serve-api-docs';
import type { OpenApiDocument } from '../src/platform/http/api-docs/openapi-document';
import { startTestApp, TestApp } from './support/test-app';

/**
 * /docs as a client reads it: the OpenAPI document names every route the process serves (enumerated from
 * Fastify's own route table, not from what the document was built from), is valid OpenAPI 3.1, lists only error
 * codes the code has, and describes what the routes really answer; the UI loads nothing from elsewhere.
 */

/**
 * The OpenAPI 3.1 schema, its `$dynamicRef: '#meta'` (a Schema Object: an object or a boolean, checked on its own
 * below) read as the plain `$ref` it resolves to here: Ajv resolves that dynamic anchor to the enclosing definition.
 */
const OAS_SCHEMA = parse(readFileSync(resolve(__dirname, 'fixtures/schemas/openapi/oas-3.1-schema.yaml'), 'utf8').replaceAll("$dynamicRef: '#meta'", "$ref: '#/$defs/schema'"));

/** `GET /orders/:orderId` lines from Fastify's printRoutes tree (HEAD, which Fastify adds to each GET, left out). */
function fastifyRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n').filter(Boolean)) {
    const match = /^(.*?)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) throw new Error(`unexpected printRoutes line: ${line}`);
    const [, indent, segment, methods = ''] = match;
    stack.length = indent.length / 4;
    stack.push(segment);
    for (const method of methods.split(', ').filter((name) => name && name !== 'HEAD')) routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}

function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`))
    .sort();
}

/** Every `readonly code = '...'` an AppError of src/ declares. */
function codesInSource(dir = resolve(__dirname, '../src')): Set<string> {
  const codes = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) codesInSource(path).forEach((code) => codes.add(code));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) for (const [, code] of readFileSync(path, 'utf8').matchAll(/readonly code = '([A-Z_]+)'/g)) codes.add(code);
  }
  return codes;
}

describe.each([
  ['in one process', {}],
  ['behind a Knative Broker (EVENT_TRANSPORT=http)', { EVENT_TRANSPORT: 'http', EVENTS_BROKER_AUTH: 'off' }],
])('/docs %s', (_mode, env: Record<string, string>) => {
  let app: TestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    app = await startTestApp(env, { apiDocs: serveApiDocs });
    const answer = await fetch(`${app.url}/docs/openapi.json`);
    expect(answer.status).toBe(200);
    document = (await answer.json()) as OpenApiDocument;
  });

  afterAll(() => app?.stop());

  it('describes every route Fastify serves, and no other', () => {
    const served = fastifyRoutes(app.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }));
    expect(served).toEqual(expect.arrayContaining(['GET /healthz', 'POST /', 'POST /orders', 'GET /docs/openapi.json']));
    expect(documentedRoutes(document)).toEqual(served);
  });

  it('is an OpenAPI 3.1 document whose schemas are valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const valid = ajv.validate(OAS_SCHEMA, document);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations) as [string, any][]) {
        const schemas = [...(operation.parameters ?? []).map((parameter: any) => parameter.schema), ...Object.values(operation.requestBody?.content ?? {}).map((media: any) => media.schema)];
        for (const response of Object.values(operation.responses) as any[]) schemas.push(...Object.values(response.content ?? {}).map((media: any) => media.schema));
        for (const schema of schemas.filter(Boolean)) expect({ route: `${method} ${path}`, valid: ajv.validateSchema(schema) }).toEqual({ route: `${method} ${path}`, valid: true });
      }
    }
  });

  it('names its auth schemes on every operation, and only error codes the code declares', () => {
    const known = codesInSource();
    expect(Object.keys((document.components as any).securitySchemes).sort()).toEqual(['adminToken', 'brokerOidc', 'customerJwt', 'eventsIngressToken']);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations) as [string, any][]) {
        expect({ route: `${method} ${path}`, security: Array.isArray(operation.security) }).toEqual({ route: `${method} ${path}`, security: true });
        for (const response of Object.values(operation.responses) as any[]) {
          const codes: string[] = response.content?.['application/json']?.schema?.allOf?.[1]?.properties?.code?.enum ?? [];
          for (const code of codes) expect({ route: `${method} ${path}`, code, declared: known.has(code) }).toEqual({ route: `${method} ${path}`, code, declared: true });
        }
      }
    }
    expect((document.paths['/orders'].post as any).responses[422].description).toContain('IDEMPOTENCY_KEY_REUSED');
    expect((document.info as any).version).toBe(JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')).version);
  });

  it('describes what the routes answer, success and error alike', async () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const asDocumented = async (method: string, template: string, path: string, body?: unknown, options: { admin?: boolean } = {}) => {
      const answer = await app.http(method, path, body, options);
      const response = (document.paths[template] as any)[method.toLowerCase()].responses[answer.status];
      expect({ route: `${method} ${template}`, status: answer.status, documented: response !== undefined }).toEqual({ route: `${method} ${template}`, status: answer.status, documented: true });
      const schema = response.content?.['application/json']?.schema;
      if (schema && !ajv.validate({ ...schema, components: document.components }, answer.body)) throw new Error(`${method} ${path} ${answer.status}: ${ajv.errorsText()} in ${JSON.stringify(answer.body)}`);
      return answer;
    };
    expect((await asDocumented('PUT', '/inventory/{sku}', '/inventory/DOC-1', { name: 'Doc', price: '2.50', available: 5 })).status).toBe(401);
    expect((await asDocumented('PUT', '/inventory/{sku}', '/inventory/DOC-1', { name: 'Doc', price: '2.50', available: 5 }, { admin: true })).status).toBe(200);
    expect((await asDocumented('GET', '/inventory/{sku}', '/inventory/DOC-1')).status).toBe(200);
    expect((await asDocumented('GET', '/inventory/{sku}', '/inventory/NOPE')).body.code).toBe('SKU_NOT_FOUND');
    expect((await asDocumented('POST', '/orders', '/orders', { userId: 'doc-reader', items: [{ sku: 'DOC-1', quantity: 0 }] })).body.code).toBe('REQUEST_INVALID');
    const placed = await asDocumented('POST', '/orders', '/orders', { userId: 'doc-reader', items: [{ sku: 'DOC-1', quantity: 1 }] });
    expect(placed.status).toBe(202);
    expect((await asDocumented('GET', '/orders/{orderId}', `/orders/${placed.body.orderId}`)).status).toBe(200);
    expect((await asDocumented('GET', '/notifications', '/notifications?userId=doc-reader')).status).toBe(200);
    expect((await asDocumented('GET', '/dead-letters', '/dead-letters', undefined, { admin: true })).status).toBe(200);
    expect((await asDocumented('GET', '/readyz', '/readyz')).status).toBe(200);
  });

  it('serves Swagger UI from this server alone', async () => {
    const page = await fetch(`${app.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await page.text();
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url);
    expect(loaded).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/swagger-initializer.js']));
    for (const url of loaded) {
      expect(url).toMatch(/^\/docs\//);
      const asset = await fetch(`${app.url}${url}`);
      expect({ url, status: asset.status }).toEqual({ url, status: 200 });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    expect(await (await fetch(`${app.url}/docs/swagger-initializer.js`)).text()).toContain("url: '/docs/openapi.json'");
    expect((await fetch(`${app.url}/docs/package.json`)).status).toBe(404);
  });
});
