import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AdminGuard } from '../../../platform/http/admin.guard';
import { cursorPosition, Page, PageQuery } from '../../../platform/http/page';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { DeadLetterOffice, DeadLetterView } from '../domain/dead-letter-office';

const ListQuery = z.object({ status: z.enum(['dead', 'replayed']).optional(), ...PageQuery }).strict();

/** Dead letters hold customer data and replay changes state: both are admin-only. */
@Controller('dead-letters')
@UseGuards(AdminGuard)
export class DeadLettersController {
  constructor(private readonly office: DeadLetterOffice) {}

  @Get()
  list(@Query(new ZodPipe(ListQuery)) query: z.output<typeof ListQuery>): Promise<Page<DeadLetterView>> {
    return this.office.list(query.limit, cursorPosition(query.cursor), query.status);
  }

  @Post(':id/replay')
  @HttpCode(200)
  replay(@Param('id', new ZodPipe(z.uuid())) id: string): Promise<DeadLetterView> {
    return this.office.replay(id);
  }
}
