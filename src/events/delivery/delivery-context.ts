import { BaseRpcContext } from '@nestjs/microservices';
import { CloudEvent } from 'cloudevents';

/** What a handler may read besides the event's data (`@Ctx()`): the whole CloudEvent and which attempt this is. */
export class DeliveryContext extends BaseRpcContext<[CloudEvent<unknown>, number, string]> {
  get event(): CloudEvent<unknown> {
    return this.args[0];
  }

  get attempt(): number {
    return this.args[1];
  }

  get subscription(): string {
    return this.args[2];
  }
}
