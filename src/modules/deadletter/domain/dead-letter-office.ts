import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CloudEvent, CloudEventV1 } from 'cloudevents';
import { DataSource } from 'typeorm';
import { DeadLetter, DeadLetterSink, EventRouter, EventsConfig, eventsConfig, markedForReplay, Outbox, storableDeadLetter } from '../../../events';
import { Page, pageOf, PagePosition } from '../../../platform/http/page';
import { DeadLetterAlreadyReplayedError, DeadLetterNotFoundError, DeadLetterSubscriptionMismatchError } from './dead-letter.errors';
import { consumes } from './subscription-catalogue';

export interface DeadLetterView {
  id: string;
  subscription: string;
  eventId: string;
  eventType: string;
  subject: string | null;
  attempts: number;
  errorCode: string;
  errorMessage: string;
  status: 'dead' | 'replayed';
  createdAt: string;
  replayedAt: string | null;
  event: CloudEventV1<unknown>;
}

/** Which letters a list shows; each field left out matches every letter. */
export interface DeadLetterFilter {
  status?: 'dead' | 'replayed';
  subscription?: string;
  type?: string;
  errorCode?: string;
}

interface Row {
  id: string;
  subscription: string;
  event_id: string;
  event_type: string;
  subject: string | null;
  attempts: number;
  error_code: string;
  error_message: string;
  status: 'dead' | 'replayed';
  created_at: Date;
  replayed_at: Date | null;
  event: CloudEventV1<unknown>;
}

/** The dead-letter sink: keeps every event a subscription gave up on, lists them, and replays one on request. */
@Injectable()
export class DeadLetterOffice implements DeadLetterSink {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly router: EventRouter,
    private readonly outbox: Outbox,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(eventsConfig.KEY) private readonly events: EventsConfig,
  ) {}

  /**
   * Throws unless the letter names a subscription that exists and consumes its event's type: the intake's check
   * on what the Broker posts, and replay's. (Letters the router hands over itself name the subscription that failed.)
   */
  checkSubscription(letter: Pick<DeadLetter, 'subscription'> & { event: { id: string; type: string } }): void {
    if (consumes(letter.subscription, letter.event.type, this.events.EVENT_TYPE_PREFIX)) return;
    throw new DeadLetterSubscriptionMismatchError(`dead letter of event ${letter.event.id}: no subscription ${letter.subscription} consumes ${letter.event.type}`);
  }

  async accept(received: DeadLetter): Promise<void> {
    const letter = storableDeadLetter(received);
    const { event } = letter;
    await this.db.query(
      `INSERT INTO deadletter.events (subscription, event_id, event_source, event_type, subject, event, attempts, error_code, error_message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [letter.subscription, event.id, event.source, event.type, event.subject ?? null, event, letter.attempts, letter.errorCode, letter.errorMessage],
    );
  }

  /** Dead letters, newest first, one page from `after` on. */
  async list(limit: number, after?: PagePosition, filter: DeadLetterFilter = {}): Promise<Page<DeadLetterView>> {
    const rows: Array<Row & { position_at: string }> = await this.db.query(
      `SELECT *, created_at::text AS position_at FROM deadletter.events
       WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
         AND ($5::text IS NULL OR subscription = $5) AND ($6::text IS NULL OR event_type = $6) AND ($7::text IS NULL OR error_code = $7)
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [filter.status ?? null, after?.at ?? null, after?.id ?? null, limit + 1, filter.subscription ?? null, filter.type ?? null, filter.errorCode ?? null],
    );
    return pageOf(rows, limit, (row) => ({ at: row.position_at, id: row.id }), view);
  }

  async find(id: string): Promise<DeadLetterView> {
    const [row] = (await this.db.query('SELECT * FROM deadletter.events WHERE id = $1', [id])) as Row[];
    if (!row) throw new DeadLetterNotFoundError(`dead letter ${id} not found`);
    return view(row);
  }

  /** The subscriptions, types and error codes letters have (at most 100 of each): the choices a filter offers. */
  async facets(): Promise<Record<'subscription' | 'type' | 'errorCode', string[]>> {
    const distinct = async (column: string): Promise<string[]> =>
      ((await this.db.query(`SELECT DISTINCT ${column} AS value FROM deadletter.events ORDER BY 1 LIMIT 100`)) as Array<{ value: string }>).map((row) => row.value);
    const [subscription, type, errorCode] = await Promise.all([distinct('subscription'), distinct('event_type'), distinct('error_code')]);
    return { subscription, type, errorCode };
  }

  /** How many letters wait for a replay and how many were replayed. */
  async count(): Promise<Record<'dead' | 'replayed', number>> {
    const rows: Array<{ status: 'dead' | 'replayed'; count: string }> = await this.db.query('SELECT status, count(*) AS count FROM deadletter.events GROUP BY status');
    const counted = Object.fromEntries(rows.map(({ status, count }) => [status, Number(count)]));
    return { dead: counted.dead ?? 0, replayed: counted.replayed ?? 0 };
  }

  /**
   * Delivers the event again to the subscription that gave up on it. Where the router reaches that subscription
   * (it runs here, as in the monolith, or the transport forwards replays, as Kafka does): to it alone; a local
   * failure leaves the letter dead. Otherwise (Knative, behind the Broker) through the outbox to the Broker, in
   * one transaction with marking the letter replayed, marked for that subscription: the Triggers of its type
   * deliver it, only the named subscription handles it; a new failure comes back as a new letter. In every mode
   * a letter whose subscription does not exist or does not consume its type is not replayed (422).
   */
  async replay(id: string): Promise<DeadLetterView> {
    const [row] = (await this.db.query('SELECT * FROM deadletter.events WHERE id = $1', [id])) as Row[];
    if (!row) throw new DeadLetterNotFoundError(`dead letter ${id} not found`);
    if (row.status === 'replayed') throw new DeadLetterAlreadyReplayedError(`dead letter ${id} was replayed at ${row.replayed_at?.toISOString()}`);
    this.checkSubscription({ subscription: row.subscription, event: { id: row.event_id, type: row.event_type } });
    if (this.router.canReplay(row.subscription)) {
      await this.router.replay(row.subscription, new CloudEvent(row.event, false));
      return this.markReplayed(id);
    }
    return this.txHost.withTransaction(async () => {
      await this.outbox.republish(markedForReplay(row.event, row.subscription));
      return this.markReplayed(id);
    });
  }

  private async markReplayed(id: string): Promise<DeadLetterView> {
    const [[replayed]] = (await this.txHost.tx.query(`UPDATE deadletter.events SET status = 'replayed', replayed_at = now() WHERE id = $1 RETURNING *`, [id])) as [Row[], number];
    return view(replayed);
  }
}

function view(row: Row): DeadLetterView {
  return {
    id: row.id,
    subscription: row.subscription,
    eventId: row.event_id,
    eventType: row.event_type,
    subject: row.subject,
    attempts: row.attempts,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    replayedAt: row.replayed_at?.toISOString() ?? null,
    event: row.event,
  };
}
