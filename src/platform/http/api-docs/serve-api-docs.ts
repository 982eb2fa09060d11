import { Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';
import { OpenApiDocument, openApiDocument } from './openapi-document';
import { SWAGGER_UI_ASSETS } from './swagger-ui-assets';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>toolsku-order-events API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;

// No validator badge: it would send the document to validator.swagger.io.
const INITIALIZER = "window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: 'none' });\n";

/** Everything from this origin: the page works offline and a CDN cannot be slipped in (swagger-ui styles inline). */
const PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * `/docs`: Swagger UI over `/docs/openapi.json`, the OpenAPI document of the routes this process serves, with
 * swagger-ui-dist's files served from disk (node_modules, or beside a bundle), both made or read on request. Public: it describes the API, grants nothing (README "Security model"). Routed on Fastify directly, before
 * Nest's routes, so it passes no guard. Only the composition roots that serve it import this file, which
 * keeps it and its assets out of the other bundles.
 */
export function serveApiDocs(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Built on the first request, not at start: a cold start of the orders Service pays nothing for it.
  let document: OpenApiDocument | undefined;
  const assets = getAbsoluteFSPath();
  fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_POLICY).send(PAGE));
  fastify.get('/docs/openapi.json', (_request, reply) => reply.header('cache-control', 'no-cache').send((document ??= openApiDocument(controllersOf(app), DOCS_PATHS))));
  fastify.get('/docs/swagger-initializer.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(INITIALIZER));
  for (const [file, type] of Object.entries(SWAGGER_UI_ASSETS)) {
    fastify.get(`/docs/${file}`, (_request, reply) =>
      reply
        .type(type)
        .header('cache-control', 'public, max-age=3600')
        .send(createReadStream(join(assets, file))),
    );
  }
}

/** The controllers of every module this application runs, as Nest resolved them. */
function controllersOf(app: NestFastifyApplication): Type<unknown>[] {
  return [...app.get(ModulesContainer).values()].flatMap((module) => [...module.controllers.values()].map((wrapper) => wrapper.metatype as Type<unknown>));
}

const PUBLIC_GET = (summary: string, content: string, description: string) => ({
  get: { tags: ['docs'], summary, security: [], responses: { 200: { description, content: { [content]: {} } } } },
});

const DOCS_PATHS: OpenApiDocument['paths'] = {
  '/docs': PUBLIC_GET('This API, in Swagger UI', 'text/html', 'The page; its scripts and styles come from this server.'),
  '/docs/openapi.json': PUBLIC_GET('This document', 'application/json', 'The OpenAPI 3.1 description of the routes this process serves.'),
  '/docs/swagger-initializer.js': PUBLIC_GET("The page's start-up script", 'text/javascript', 'Swagger UI pointed at /docs/openapi.json.'),
  ...Object.fromEntries(Object.entries(SWAGGER_UI_ASSETS).map(([file, type]) => [`/docs/${file}`, PUBLIC_GET(`Swagger UI's ${file}`, type.split(';')[0], 'From swagger-ui-dist.')])),
};
