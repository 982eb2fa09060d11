import { durationMs } from '../../platform/config/duration';

/** Same names and meaning as the `delivery` spec of a Knative Trigger, so the generator copies it verbatim. */
export interface DeliveryPolicy {
  /** Retries after the first attempt. */
  readonly retry: number;
  readonly backoffPolicy: 'linear' | 'exponential';
  /** ISO-8601 duration: the base delay between retries. */
  readonly backoffDelay: string;
  /** ISO-8601 duration: how long one attempt may take. */
  readonly timeout: string;
  /** Whether an event that exhausted its retries goes to the dead-letter sink (else it is dropped with a log line). */
  readonly deadLetter: boolean;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = {
  retry: 5,
  backoffPolicy: 'exponential',
  backoffDelay: 'PT1S',
  timeout: 'PT30S',
  deadLetter: true,
};

export function deliveryPolicy(overrides: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  const policy = { ...DEFAULT_DELIVERY, ...overrides };
  if (!Number.isInteger(policy.retry) || policy.retry < 0) throw new RangeError(`retry must be a whole number >= 0, got ${policy.retry}`);
  durationMs(policy.backoffDelay);
  durationMs(policy.timeout);
  return Object.freeze(policy);
}

/** Knative's schedule: linear waits delay*n before retry n, exponential waits delay*2^n (n counts from 1). */
export function backoffMs(policy: DeliveryPolicy, retryNumber: number): number {
  const delay = durationMs(policy.backoffDelay);
  return policy.backoffPolicy === 'linear' ? delay * retryNumber : delay * 2 ** retryNumber;
}

/** The longest one delivery can take, every attempt timing out: bounds how long an outbox lease must hold. */
export function worstCaseMs(policy: DeliveryPolicy): number {
  let total = durationMs(policy.timeout) * (policy.retry + 1);
  for (let n = 1; n <= policy.retry; n++) total += backoffMs(policy, n);
  return total;
}
