import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { HTTP } from 'cloudevents';
import { Column, Entity, PrimaryColumn, Repository } from 'typeorm';

@Entity({ schema: 'events', name: 'inbox' })
export class InboxRow {
  @PrimaryColumn() subscription!: string;
  @PrimaryColumn({ name: 'event_source' }) eventSource!: string;
  @PrimaryColumn({ name: 'event_id' }) eventId!: string;
  @Column() type!: string;
  @Column({ type: 'text', nullable: true }) subject!: string | null;
  @Column() attempt!: number;
  @Column({ name: 'event_time', type: 'timestamptz', nullable: true }) eventTime!: Date | null;
}

@Controller()
export class InboxController {
  constructor(@InjectRepository(InboxRow) private readonly inbox: Repository<InboxRow>) {}

  @Post()
  @HttpCode(202)
  async receive(@Headers() headers: Record<string, string>, @Body() body: unknown): Promise<void> {
    const event = HTTP.toEvent({ headers, body }) as { id: string; source: string; type: string; subject?: string; time?: string };
    await this.inbox
      .createQueryBuilder()
      .insert()
      .values({ subscription: 'nest', eventSource: event.source, eventId: event.id, type: event.type, subject: event.subject ?? null, attempt: 1, eventTime: event.time ? new Date(event.time) : null })
      .orIgnore()
      .execute();
  }
}
