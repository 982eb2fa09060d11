/** The two lines that fence a generated block inside a file written by hand (the README, docker-compose.yml). */
export interface BlockMarkers {
  readonly start: string;
  readonly end: string;
}

/** `text` with the block between its markers replaced by `block`; the markers stay. */
export function withGeneratedBlock(text: string, { start, end }: BlockMarkers, block: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`the file lacks the markers ${start} ... ${end}`);
  return `${text.slice(0, from + start.length)}\n${block}\n${text.slice(to)}`;
}
