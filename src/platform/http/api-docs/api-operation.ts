import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';
import type { AppError } from '../../../kernel/errors';

/** The OpenAPI security schemes of this API (the document's `components.securitySchemes`). */
export type SecurityScheme = 'customerJwt' | 'adminToken' | 'eventsIngressToken' | 'brokerOidc';

/** An error class a route may answer with: its `code` and `kind` (so its status) are read from an instance. */
export type ErrorClass = new (message: string, challenge: string) => AppError;

/**
 * Who may call an operation: the schemes it accepts (any one of them; none: anybody) and the errors it
 * answers a caller it refuses with. Declared beside each guard, so a route names its guard's access.
 */
export interface ApiAccess {
  readonly schemes: readonly SecurityScheme[];
  readonly errors: readonly ErrorClass[];
}

export const PUBLIC_ACCESS: ApiAccess = { schemes: [], errors: [] };

export interface ApiResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** application/json unless named. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The OpenAPI description of one route. Its method, path, path parameters, query and body come from the route
 * itself (Nest's metadata and the ZodPipes that validate them); this adds what the route cannot say.
 */
export interface ApiOperationOptions {
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: ApiAccess | readonly ApiAccess[];
  /** Request headers the handler validates itself (Nest's @Headers() takes no pipe), by lower-case name. */
  readonly headers?: Readonly<Record<string, z.ZodType>>;
  /** A body the route reads raw (no ZodPipe): its content types, and its schema when one applies to them all. */
  readonly rawBody?: { readonly contentTypes: readonly string[]; readonly description: string };
  readonly responses: Readonly<Record<number, ApiResponse>>;
  /** Errors of the route itself, besides its access's and the ones every validated request may answer. */
  readonly errors?: readonly ErrorClass[];
}

export const API_OPERATION = 'toolsku:api-operation';

/** Describes a route for the OpenAPI document served at /docs (src/platform/http/api-docs/openapi-document.ts). */
export const ApiOperation = (options: ApiOperationOptions): MethodDecorator => SetMetadata(API_OPERATION, options);
