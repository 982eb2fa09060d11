import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { AppError } from '../../../kernel/errors';
import { ZodPipe } from '../zod-body.pipe';
import { ApiAccess, ApiOperation } from './api-operation';
import { openApiDocument } from './openapi-document';

class ThingNotFoundError extends AppError {
  readonly code = 'THING_NOT_FOUND';
  readonly kind = 'not_found' as const;
}

class KeeperRequiredError extends AppError {
  readonly code = 'KEEPER_REQUIRED';
  readonly kind = 'unauthorized' as const;
}

const KEEPERS: ApiAccess = { schemes: ['adminToken'], errors: [KeeperRequiredError] };
const Thing = z.object({ name: z.string().min(1) }).strict();
const ListQuery = z.object({ limit: z.coerce.number().int().max(10).default(5), after: z.string().optional() }).strict();

@Controller('things')
class ThingsController {
  @Get(':thingId')
  @ApiOperation({ tag: 'things', summary: 'Read a thing', access: KEEPERS, responses: { 200: { description: 'It.', schema: Thing } }, errors: [ThingNotFoundError] })
  read(@Param('thingId', new ZodPipe(z.string().max(8))) thingId: string): string {
    return thingId;
  }

  @Get()
  @ApiOperation({ tag: 'things', summary: 'List things', access: KEEPERS, responses: { 200: { description: 'Them.' } } })
  list(@Query(new ZodPipe(ListQuery)) query: unknown): unknown {
    return query;
  }

  @Post()
  @ApiOperation({ tag: 'things', summary: 'Add a thing', access: KEEPERS, responses: { 201: { description: 'Added.' } } })
  add(@Body(new ZodPipe(Thing)) thing: unknown): unknown {
    return thing;
  }
}

@Controller()
class UndescribedController {
  @Get('secret')
  secret(): string {
    return '';
  }
}

describe('openApiDocument', () => {
  const document = openApiDocument([ThingsController]);
  const read = document.paths['/things/{thingId}'].get as any;

  it('takes method, path and path parameters from the route and their schemas from its ZodPipes', () => {
    expect(Object.keys(document.paths)).toEqual(['/things', '/things/{thingId}']);
    expect(read.parameters).toEqual([{ name: 'thingId', in: 'path', required: true, schema: { type: 'string', maxLength: 8 } }]);
    const add = document.paths['/things'].post as any;
    expect(add.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
  });

  it('turns a query object into query parameters, required unless optional or defaulted', () => {
    const list = document.paths['/things'].get as any;
    expect(list.parameters.map(({ name, in: where, required }: any) => ({ name, where, required }))).toEqual([
      { name: 'limit', where: 'query', required: false },
      { name: 'after', where: 'query', required: false },
    ]);
  });

  it("lists the route's error codes by status, with its access's and the validation error", () => {
    expect(read.responses[401].content['application/json'].schema.allOf[1].properties.code.enum).toEqual(['KEEPER_REQUIRED']);
    expect(read.responses[400].content['application/json'].schema.allOf[1].properties.code.enum).toEqual(['REQUEST_INVALID', 'REQUEST_VALUE_REFUSED']);
    expect(read.responses[404].content['application/json'].schema.allOf[1].properties.code.enum).toEqual(['THING_NOT_FOUND']);
    expect(read.responses[503].headers).toHaveProperty('retry-after');
    expect(read.security).toEqual([{ adminToken: [] }]);
  });

  it('refuses a route without @ApiOperation, naming it', () => {
    expect(() => openApiDocument([UndescribedController])).toThrow('GET /secret (UndescribedController.secret) has no @ApiOperation');
  });
});
