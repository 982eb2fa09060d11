import type { CloudEventV1 } from 'cloudevents';
import { isSafeText } from '../platform/validation/safe-text';

/**
 * The largest value, in UTF-8 bytes, of each CloudEvent attribute this service accepts. The inbox and the
 * dead letters index (subscription, source, id) and the subject (`failedsubscription` names the subscription): together they stay well under the 2704
 * bytes a Postgres btree row may hold. Any other attribute or extension value gets EXTENSION_VALUE_BYTES
 * (room for Knative's base64 `knativeerrordata`). Documented in the README and docs/adr/0016.
 */
export const ATTRIBUTE_BYTES: Readonly<Record<string, number>> = { id: 256, source: 1024, type: 256, subject: 1024, dataschema: 1024, datacontenttype: 256, failedsubscription: 253 };
export const EXTENSION_VALUE_BYTES = 4096;
export const EXTENSION_NAME_LENGTH = 64;
export const EXTENSION_COUNT = 32;

/** Fields of the SDK's event object that are not attributes. */
const NOT_ATTRIBUTES = new Set(['data', 'data_base64', 'specversion', 'time']);

/**
 * Why the event's attributes cannot be taken (NUL, an unpaired surrogate, over a cap), or undefined. The
 * reason names the attribute, never its value: a value may be kilobytes long or hostile.
 */
export function attributeProblem(event: CloudEventV1<unknown>): string | undefined {
  const attributes = Object.entries(event).filter(([name, value]) => !NOT_ATTRIBUTES.has(name) && value !== undefined);
  const extensions = attributes.filter(([name]) => !(name in ATTRIBUTE_BYTES) || name === 'failedsubscription');
  if (extensions.length > EXTENSION_COUNT) return `more than ${EXTENSION_COUNT} extensions`;
  for (const [name, value] of attributes) {
    if (name.length > EXTENSION_NAME_LENGTH) return `an extension name is longer than ${EXTENSION_NAME_LENGTH} characters`;
    if (typeof value !== 'string') continue;
    if (!isSafeText(value)) return `attribute ${name} holds a NUL character or an unpaired surrogate`;
    const limit = ATTRIBUTE_BYTES[name] ?? EXTENSION_VALUE_BYTES;
    const bytes = Buffer.byteLength(value);
    if (bytes > limit) return `attribute ${name} is ${bytes} bytes, more than ${limit}`;
  }
  return undefined;
}
