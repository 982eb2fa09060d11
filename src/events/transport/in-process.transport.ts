import { Injectable } from '@nestjs/common';
import { CloudEvent } from 'cloudevents';
import { EventRouter } from '../delivery/event-router';
import { EventTransport } from './event-transport';

/** The monolith's transport: the outbox feeds this process's own router. */
@Injectable()
export class InProcessTransport implements EventTransport {
  constructor(private readonly router: EventRouter) {}

  publish(event: CloudEvent<unknown>): Promise<void> {
    return this.router.route(event);
  }
}
