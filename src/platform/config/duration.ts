/**
 * ISO-8601 durations as Knative's delivery spec uses them: PnDTnHnMnS, seconds may be fractional, at least one
 * component, and a T only before a time component ("P" and "PT" are not durations). The one parser: the
 * configuration's `isoDuration` validates with it, so a value accepted at start is one the code can use.
 */
const ISO_DURATION = /^P(?=\d|T\d)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** The duration in milliseconds, or undefined when `iso` is not one. */
export function parseDurationMs(iso: string): number | undefined {
  const match = ISO_DURATION.exec(iso);
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return Math.round(((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000);
}

export function durationMs(iso: string): number {
  const ms = parseDurationMs(iso);
  if (ms === undefined) throw new RangeError(`not an ISO-8601 duration: "${iso}"`);
  return ms;
}
