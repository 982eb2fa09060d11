import { registerAs } from '@nestjs/config';
import { z } from 'zod';
import { parseDurationMs } from './duration';

/** A configuration value that stops the process at start, naming every bad key. */
export class InvalidConfigError extends Error {
  constructor(namespace: string, issues: z.core.$ZodIssue[]) {
    const lines = issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    super(`invalid ${namespace} configuration:\n${lines.join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

/**
 * A namespaced, typed configuration read from the environment and validated when the module loads.
 * Each key's `.describe()` is its documentation (the README's configuration table lists them).
 */
export function defineConfig<S extends z.ZodObject>(namespace: string, schema: S) {
  return Object.assign(
    registerAs(namespace, (): z.output<S> => parseConfig(namespace, schema, process.env)),
    { namespace, schema },
  );
}

export function parseConfig<S extends z.ZodObject>(namespace: string, schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) throw new InvalidConfigError(namespace, result.error.issues);
  return result.data;
}

/** An ISO-8601 duration such as PT1S or PT0.5S, checked by the parser the code reads it with (durationMs). */
export const isoDuration = z.string().refine((value) => parseDurationMs(value) !== undefined, 'must be an ISO-8601 duration such as PT1S');

export const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');
