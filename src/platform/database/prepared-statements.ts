import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Which statement texts run as named prepared statements: the first `limit` distinct parameterised texts this
 * process sends, each under a name derived from its text. Postgres then parses and plans a statement once per
 * connection instead of on every call (measured on `bench:chain`: a quarter of Postgres's CPU per order).
 * The limit bounds what every connection holds server-side; texts past it, and texts Postgres refused to
 * re-run prepared, go unnamed as before.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly refused = new Set<string>();

  constructor(private readonly limit: number) {}

  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= this.limit || this.refused.has(text)) return known;
    const name = `s_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    this.names.set(text, name);
    return name;
  }

  /**
   * A table a prepared `SELECT` reads changed shape under it (another process migrated): Postgres will not run
   * the old plan again on that connection, so the text goes unnamed from now on and the caller's retry succeeds.
   */
  forget(text: string): void {
    this.names.delete(text);
    this.refused.add(text);
  }
}

/** A pg Client class (for the pool's `Client` option) that runs parameterised statements prepared, by name. */
export function preparingClient(statements: PreparedStatements): typeof Client {
  return class PreparingClient extends Client {
    // One signature over pg's overloads: only (text, values[, callback]) calls are rewritten.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's own overloads take and return any
    override query(config: any, values?: any, callback?: any): any {
      const name = typeof config === 'string' && Array.isArray(values) && values.length > 0 ? statements.nameOf(config) : undefined;
      if (name === undefined) return super.query(config, values, callback);
      const named = { name, text: config, values };
      const check = (error: unknown) => {
        if (isStalePlan(error)) statements.forget(config);
      };
      if (typeof callback === 'function') {
        return super.query(named, (error: Error | null, result: unknown) => {
          check(error);
          callback(error, result);
        });
      }
      return (super.query(named) as Promise<unknown>).catch((error: unknown) => {
        check(error);
        throw error;
      });
    }
  };
}

/** "cached plan must not change result type": the prepared statement outlived the table shape it was planned for. */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '0A000';
}
