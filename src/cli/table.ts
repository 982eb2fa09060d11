import type { LoggedEvent, LoggedFailure, TimelineEntry } from '../modules/orders/domain/timeline';
import type { DeadLetterView, OrderView } from './api';

/** Rows under a header, each column as wide as its widest cell, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  rows = rows.map((row) => row.map(printable));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** An order's timeline, one row per handling or failed attempt, timed from the order's creation. */
export function timelineTable(order: OrderView): string {
  const start = Date.parse(order.createdAt);
  // In the order things happened: a handling that succeeded at its third attempt after the two failures.
  const rows = order.timeline.flatMap((entry) => rowsOf(entry, start)).sort((a, b) => parseFloat(a[0].slice(1)) - parseFloat(b[0].slice(1)));
  return table(['AT', 'EVENT', 'FROM', 'SUBSCRIPTION', 'ATTEMPT', 'OUTCOME', 'ERROR'], rows);
}

export function deadLettersTable(letters: DeadLetterView[]): string {
  return table(
    ['ID', 'STATUS', 'SUBSCRIPTION', 'TYPE', 'ERROR', 'ORDER', 'AT'],
    letters.map((letter) => [letter.id, letter.status, letter.subscription, shortType(letter.eventType), letter.errorCode, letter.subject ?? '', letter.createdAt]),
  );
}

function rowsOf(entry: TimelineEntry, start: number): string[][] {
  if (!('handledBy' in entry)) return [failureRow(entry, start)];
  const event: LoggedEvent = entry;
  const at = offset(event.time, start);
  if (event.handledBy.length === 0) return [[at, shortType(event.type), event.source, '-', '', 'unhandled', '']];
  return event.handledBy.map((step) => [offset(step.time, start), shortType(event.type), event.source, step.subscription, String(step.attempt), step.outcome, '']);
}

function failureRow(failure: LoggedFailure, start: number): string[] {
  return [offset(failure.time, start), shortType(failure.type), failure.source, failure.subscription, String(failure.attempt), failure.outcome, `${failure.errorCode}: ${oneLine(failure.error)}`];
}

/** Milliseconds since the order was created, e.g. `+1.204s`. */
function offset(time: string, start: number): string {
  return `+${(Math.max(0, Date.parse(time) - start) / 1000).toFixed(3)}s`;
}

function shortType(type: string): string {
  return type.split('.').slice(-2).join('.');
}

/** An error message on one table row, at most 80 characters (they come from the service, which bounds them). */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 79)}~` : flat;
}

/** Control characters (a terminal's escape sequences among them) from the service's data shown as `?`: an order's strings are chosen by customers. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
