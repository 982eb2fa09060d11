import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiOperation } from '../../../../platform/http/api-docs/api-operation';
import { CONSOLE_ADMIN_ACCESS, ConsoleAccess } from '../../../../platform/http/console/console-access';
import { refusalPage, sendDenied, sendPage } from '../../../../platform/http/console/console-page';
import { cursorPosition } from '../../../../platform/http/page';
import { DeadLetterOffice } from '../../domain/dead-letter-office';
import { DeadLetterNotFoundError } from '../../domain/dead-letter.errors';
import { ListQuery } from '../dead-letters.controller';
import { deadLetterPage, deadLettersPage, deadLetterSummary } from './dead-letter-pages';

/** The console's dead-letter pages, rendered by the module that keeps the letters; admin only, as GET /dead-letters. */
@Controller('console/dead-letters')
export class DeadLettersConsoleController {
  constructor(
    private readonly access: ConsoleAccess,
    private readonly office: DeadLetterOffice,
  ) {}

  @Get()
  @ApiOperation({
    tag: 'console',
    summary: 'Console: dead letters',
    description: 'Dead letters with filters; replay one or many.',
    access: CONSOLE_ADMIN_ACCESS,
    responses: { 200: { description: 'An HTML page; without a token, the page without its data (its script asks for one).', contentType: 'text/html' } },
  })
  async list(@Query() rawQuery: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const access = this.access.forAdmin(request);
    if (access.kind !== 'granted') return sendDenied(reply, access, 'Dead letters');
    const query = ListQuery.safeParse(rawQuery);
    if (!query.success) return sendPage(reply, refusalPage('Dead letters', 'The filter is not valid.'), 400);
    const { limit, cursor, ...filter } = query.data;
    const [page, facets] = await Promise.all([this.office.list(limit, cursorPosition(cursor), filter), this.office.facets()]);
    return sendPage(reply, deadLettersPage(page, filter, facets));
  }

  @Get('summary')
  @ApiOperation({
    tag: 'console',
    summary: 'Console: dead-letter counts',
    description: 'The counts shown on the overview.',
    access: CONSOLE_ADMIN_ACCESS,
    responses: { 200: { description: 'An HTML page; without a token, the page without its data (its script asks for one).', contentType: 'text/html' } },
  })
  async summary(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const access = this.access.forAdmin(request);
    if (access.kind !== 'granted') return sendDenied(reply, access, 'Dead letters');
    return sendPage(reply, deadLetterSummary(await this.office.count()));
  }

  @Get(':id')
  @ApiOperation({
    tag: 'console',
    summary: 'Console: a dead letter',
    description: 'The event and the error.',
    access: CONSOLE_ADMIN_ACCESS,
    responses: { 200: { description: 'An HTML page; without a token, the page without its data (its script asks for one).', contentType: 'text/html' } },
  })
  async letter(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const title = 'Dead letter';
    const access = this.access.forAdmin(request);
    if (access.kind !== 'granted') return sendDenied(reply, access, title);
    if (!z.uuid().safeParse(id).success) return sendPage(reply, refusalPage(title, 'That is not a dead letter id.'), 400);
    try {
      return sendPage(reply, deadLetterPage(await this.office.find(id)));
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError) return sendPage(reply, refusalPage(title, `No dead letter ${id}.`), 404);
      throw error;
    }
  }
}
