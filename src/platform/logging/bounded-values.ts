/**
 * The longest string a log line carries as one value (a message, an event attribute, a URL), in UTF-16
 * code units. A request or an event may hold strings of hundreds of kilobytes: each log line that mentions
 * one writes a bounded prefix and how much was left out, so log volume stays proportional to the traffic.
 */
export const LOG_VALUE_LIMIT = 1024;

/** Objects are followed this deep; deeper values are logged as they are (lines rarely nest past two). */
const MAX_DEPTH = 4;

export function boundedText(text: string): string {
  if (text.length <= LOG_VALUE_LIMIT) return text;
  return `${text.slice(0, LOG_VALUE_LIMIT)}…[${text.length - LOG_VALUE_LIMIT} more characters]`;
}

/**
 * A log line's fields with every string bounded, through plain objects and arrays only: a raw request,
 * response or error is left for its serializer (pino runs this before serializers). Unchanged values are
 * returned as they are, so the usual line, with nothing long in it, is not copied.
 */
export function boundedValues<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return boundedText(value) as T;
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => boundedValues(item, depth + 1));
    return (items.some((item, index) => item !== value[index]) ? items : value) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let bounded: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const boundedField = boundedValues(field, depth + 1);
    if (boundedField !== field) (bounded ??= { ...(value as Record<string, unknown>) })[key] = boundedField;
  }
  return (bounded ?? value) as T;
}
