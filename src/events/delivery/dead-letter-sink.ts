import { ModuleRef } from '@nestjs/core';
import { CloudEventV1 } from 'cloudevents';

/** An event a subscription could not handle, with why: what a dead-letter sink stores. */
export interface DeadLetter {
  readonly event: CloudEventV1<unknown>;
  readonly subscription: string;
  readonly attempts: number;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Where exhausted or poison events go. The deadletter module provides it; the router only needs this port. */
export interface DeadLetterSink {
  accept(letter: DeadLetter): Promise<void>;
}

export const DEAD_LETTER_SINK = Symbol('DEAD_LETTER_SINK');

/** The deadletter module's sink when that module runs in this process, else undefined. */
export function localDeadLetterSink(moduleRef: ModuleRef): DeadLetterSink | undefined {
  try {
    return moduleRef.get<DeadLetterSink>(DEAD_LETTER_SINK, { strict: false });
  } catch {
    return undefined;
  }
}
