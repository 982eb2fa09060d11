#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runCommand, UsageError, USAGE } from './commands';
import { RequestFailedError } from './api';
import { EXIT } from './exit-status';

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  user: { type: 'string' },
  item: { type: 'string', multiple: true },
  'payment-method': { type: 'string' },
  wait: { type: 'boolean', default: false },
  watch: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  subscription: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
} as const;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help || parsed.positionals.length === 0) {
    process.stdout.write(USAGE);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  try {
    return await runCommand(parsed.positionals, parsed.values, process.env);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof RequestFailedError) {
      process.stderr.write(`order-events: ${error.message}\n`);
      return EXIT.requestFailed;
    }
    throw error;
  }
}

function usage(message: string): number {
  process.stderr.write(`order-events: ${message}\n\n${USAGE}`);
  return EXIT.usage;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`order-events: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.requestFailed;
  },
);
