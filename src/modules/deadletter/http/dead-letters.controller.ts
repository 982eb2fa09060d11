import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AdminGuard } from '../../../platform/http/admin.guard';
import { cursorPosition, Page, PageQuery } from '../../../platform/http/page';
import { ZodPipe } from '../../../platform/http/zod-body.pipe';
import { SafeText } from '../../../platform/validation/safe-text';
import { DeadLetterOffice, DeadLetterView } from '../domain/dead-letter-office';

export const ListQuery = z
  .object({
    status: z.enum(['dead', 'replayed']).optional(),
    subscription: SafeText.min(1).max(256).optional(),
    type: SafeText.min(1).max(256).optional(),
    errorCode: SafeText.min(1).max(128).optional(),
    ...PageQuery,
  })
  .strict();

/** Dead letters hold customer data and replay changes state: both are admin-only. */
@Controller('dead-letters')
@UseGuards(AdminGuard)
export class DeadLettersController {
  constructor(private readonly office: DeadLetterOffice) {}

  @Get()
  list(@Query(new ZodPipe(ListQuery)) query: z.output<typeof ListQuery>): Promise<Page<DeadLetterView>> {
    const { limit, cursor, ...filter } = query;
    return this.office.list(limit, cursorPosition(cursor), filter);
  }

  @Get('counts')
  count(): Promise<Record<'dead' | 'replayed', number>> {
    return this.office.count();
  }

  @Get(':id')
  find(@Param('id', new ZodPipe(z.uuid())) id: string): Promise<DeadLetterView> {
    return this.office.find(id);
  }

  @Post(':id/replay')
  @HttpCode(200)
  replay(@Param('id', new ZodPipe(z.uuid())) id: string): Promise<DeadLetterView> {
    return this.office.replay(id);
  }
}
