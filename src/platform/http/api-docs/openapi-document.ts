import 'reflect-metadata';
import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { z } from 'zod';
import { HTTP_STATUS_BY_KIND } from '../../../kernel/errors';
import { DatabaseRefusedValueError, DatabaseUnavailableError } from '../database-errors';
import { InvalidRequestError, ZodPipe } from '../zod-body.pipe';
import { API_OPERATION, ApiAccess, ApiOperationOptions, ApiResponse, ErrorClass, SecurityScheme } from './api-operation';

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;
export type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

/** package.json's version (test/api-docs.e2e-spec.ts holds them equal): a bundle cannot read package.json. */
export const API_VERSION = '0.1.0';

/** Nest's RouteParamtypes (not exported from @nestjs/common's index) for the arguments read here. */
const BODY = 3;
const QUERY = 4;
const PARAM = 5;

const SECURITY_SCHEMES: Record<SecurityScheme, JsonSchema> = {
  customerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A customer's JWT (RS256 or ES256) from the identity provider: CUSTOMER_JWT_ISSUER, CUSTOMER_JWT_AUDIENCE, CUSTOMER_JWKS_URL. Its `sub` is the customer.",
  },
  adminToken: { type: 'http', scheme: 'bearer', description: 'The operator token, ADMIN_TOKEN. Unset: admin endpoints answer 403 ADMIN_DISABLED.' },
  eventsIngressToken: { type: 'http', scheme: 'bearer', description: 'EVENTS_INGRESS_TOKEN: external producers sending external event types to POST / (not on Knative).' },
  brokerOidc: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "On Knative (EVENT_TRANSPORT=http): the Broker's OIDC token, issuer EVENTS_OIDC_ISSUER, audience EVENTS_OIDC_AUDIENCE or K_SERVICE." },
};

const ERROR_BODY: JsonSchema = {
  type: 'object',
  description: 'Every error answer. `code` is stable: clients match on it, never on `message`.',
  required: ['statusCode', 'error', 'message'],
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } },
};

/**
 * The OpenAPI 3.1 document of the routes `controllers` declare: method and path from Nest's route metadata,
 * path parameters, query and body from the ZodPipes that validate them (zod's JSON Schema, draft 2020-12, the
 * dialect of OpenAPI 3.1), the rest from each route's @ApiOperation. A route without one is an error here.
 */
export function openApiDocument(controllers: readonly Type<unknown>[], extraPaths: OpenApiDocument['paths'] = {}): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = { ...extraPaths };
  for (const controller of controllers) {
    for (const route of routesOf(controller)) (paths[route.path] ??= {})[route.method] = route.operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'toolsku-order-events', version: API_VERSION, description: 'Orders, stock, payments and notifications, driven by CloudEvents. Errors answer `{statusCode, error, message, code}`.' },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { securitySchemes: SECURITY_SCHEMES, schemas: { Error: ERROR_BODY } },
  };
}

interface Route {
  path: string;
  method: string;
  operation: Operation;
}

function routesOf(controller: Type<unknown>): Route[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((key) => {
    const handler = prototype[key];
    const method = typeof handler === 'function' ? (Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) : undefined;
    if (method === undefined) return [];
    const path = openApiPath(base, String(Reflect.getMetadata(PATH_METADATA, handler as object) ?? ''));
    const verb = RequestMethod[method].toLowerCase();
    const options = Reflect.getMetadata(API_OPERATION, handler as object) as ApiOperationOptions | undefined;
    if (!options) throw new Error(`${verb.toUpperCase()} ${path} (${controller.name}.${key}) has no @ApiOperation: describe it for /docs`);
    return [{ path, method: verb, operation: operationOf(options, validatedArguments(controller, key)) }];
  });
}

/** `/orders/{orderId}` from Nest's `orders` and `:orderId`. */
function openApiPath(base: string, path: string): string {
  const joined = `/${[base, path]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

interface ValidatedArguments {
  body?: z.ZodType;
  query?: z.ZodType;
  params: Record<string, z.ZodType>;
}

/** The route's arguments validated by a ZodPipe, as @Body(), @Query() and @Param(name) declared them. */
function validatedArguments(controller: Type<unknown>, key: string): ValidatedArguments {
  const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) ?? {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
  const found: ValidatedArguments = { params: {} };
  for (const [id, { data, pipes = [] }] of Object.entries(declared)) {
    const schema = pipes.find((pipe): pipe is ZodPipe<z.ZodType> => pipe instanceof ZodPipe)?.schema;
    if (!schema) continue;
    const type = Number(id.split(':')[0]);
    if (type === BODY) found.body = schema;
    if (type === QUERY) found.query = schema;
    if (type === PARAM && typeof data === 'string') found.params[data] = schema;
  }
  return found;
}

function operationOf(options: ApiOperationOptions, validated: ValidatedArguments): Operation {
  const accesses: readonly ApiAccess[] = Array.isArray(options.access) ? options.access : [options.access as ApiAccess];
  const schemes = [...new Set(accesses.flatMap((access) => access.schemes))];
  const hasInput = validated.body !== undefined || validated.query !== undefined || Object.keys(validated.params).length > 0 || options.headers !== undefined;
  const touchesData = hasInput || schemes.length > 0 || options.rawBody !== undefined;
  const errors: ErrorClass[] = [
    ...accesses.flatMap((access) => access.errors),
    ...(hasInput ? [InvalidRequestError] : []),
    ...(options.errors ?? []),
    ...(touchesData ? [DatabaseRefusedValueError, DatabaseUnavailableError] : []),
  ];
  return {
    tags: [options.tag],
    summary: options.summary,
    ...(options.description ? { description: options.description } : {}),
    security: schemes.map((scheme) => ({ [scheme]: [] })),
    parameters: parametersOf(validated, options.headers ?? {}),
    ...requestBodyOf(validated.body, options.rawBody),
    responses: { ...successResponses(options.responses), ...errorResponses(errors) },
  };
}

function parametersOf({ query, params }: ValidatedArguments, headers: Readonly<Record<string, z.ZodType>>): Operation[] {
  const inPath = Object.entries(params).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema, 'input') }));
  const inHeader = Object.entries(headers).map(([name, schema]) => ({ name, in: 'header', required: !schema.safeParse(undefined).success, schema: jsonSchema(schema, 'input') }));
  const object = query ? jsonSchema(query, 'input') : { properties: {} };
  const required = (object.required ?? []) as string[];
  const inQuery = Object.entries(object.properties as Record<string, JsonSchema>).map(([name, schema]) => ({ name, in: 'query', required: required.includes(name), schema }));
  return [...inPath, ...inQuery, ...inHeader];
}

function requestBodyOf(body: z.ZodType | undefined, raw: ApiOperationOptions['rawBody']): Operation {
  if (body) return { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body, 'input') } } } };
  if (raw) return { requestBody: { required: true, description: raw.description, content: Object.fromEntries(raw.contentTypes.map((type) => [type, {}])) } };
  return {};
}

function successResponses(responses: Readonly<Record<number, ApiResponse>>): Operation {
  return Object.fromEntries(
    Object.entries(responses).map(([status, { description, schema, contentType = 'application/json', headers = {} }]) => [
      status,
      {
        description,
        ...(Object.keys(headers).length ? { headers: Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }])) } : {}),
        ...(schema ? { content: { [contentType]: { schema: jsonSchema(schema, 'output') } } } : {}),
      },
    ]),
  );
}

const HEADERS_BY_STATUS: Record<number, Record<string, unknown>> = {
  401: { 'www-authenticate': { description: 'How to authenticate (the realm, and `error="invalid_token"` for a bad token).', schema: { type: 'string' } } },
  503: { 'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'string' } } },
};

/** One response per status, naming every stable `code` the route may answer with it. */
function errorResponses(errors: readonly ErrorClass[]): Operation {
  const codesByStatus = new Map<number, Set<string>>();
  for (const ErrorType of errors) {
    const error = new ErrorType('', '');
    const status = HTTP_STATUS_BY_KIND[error.kind];
    codesByStatus.set(status, (codesByStatus.get(status) ?? new Set()).add(error.code));
  }
  return Object.fromEntries(
    [...codesByStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        status,
        {
          description: `Error; \`code\` is one of ${[...codes].join(', ')}.`,
          ...(HEADERS_BY_STATUS[status] ? { headers: HEADERS_BY_STATUS[status] } : {}),
          content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { code: { enum: [...codes] } } }] } } },
        },
      ]),
  );
}

/** zod's JSON Schema of what a request sends (`input`) or an answer holds (`output`), without its `$schema`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}
