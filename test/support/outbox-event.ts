import { randomUUID } from 'node:crypto';
import { TestDatabase } from './test-database';

/**
 * Writes an event straight into the outbox, as its publishing module would: internal events never come in at
 * POST /, so this is how a test puts one on the bus (the dispatcher delivers it like any other).
 */
export async function publishToOutbox(db: TestDatabase, attributes: { type: string; source: string; subject: string }, data: unknown): Promise<string> {
  const id = randomUUID();
  const event = { specversion: '1.0', id, ...attributes, time: new Date().toISOString(), datacontenttype: 'application/json', data };
  await db.query('INSERT INTO events.outbox (event_id, type, subject, event) VALUES ($1, $2, $3, $4)', [id, event.type, event.subject, JSON.stringify(event)]);
  return id;
}
