/**
 * The SDK constructs a ValidationError for each check it makes, before knowing whether the check fails
 * (`isDefinedOrThrow(payload, new ValidationError(...))`): capturing their stack traces was a tenth of the
 * receiver's CPU. Its errors are reported by message only (our own error classes keep the stack that matters).
 */
export function withoutStackTraces<T>(work: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return work();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The SDK's ValidationError lists what failed in `errors`: that list is the useful part of the message. */
export function describeSdkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = (error as Error & { errors?: unknown }).errors;
  return Array.isArray(details) && details.length > 0 ? `${error.message}: ${JSON.stringify(details)}` : error.message;
}
