import { CloudEvent } from 'cloudevents';
import { markedForReplay, replayOf, REPLAY_TO } from './replay-mark';

describe('a replay mark', () => {
  const published = new CloudEvent({ id: 'e-1', source: '/orders', type: 'com.toolsku.order.created', data: { orderId: 'o-1' } });

  it('leaves an unmarked event as it came, for every subscriber', () => {
    const { event, replayTo } = replayOf(published);
    expect(event).toBe(published);
    expect(replayTo).toBeUndefined();
  });

  it('names the one subscription a marked event is replayed to, and hands over the event as published', () => {
    const marked = new CloudEvent(markedForReplay(published.toJSON(), 'payment-take-payment-when-payment-requested'), false);
    const { event, replayTo } = replayOf(marked);
    expect(replayTo).toBe('payment-take-payment-when-payment-requested');
    expect(event.toJSON()).toEqual(published.toJSON());
    expect(REPLAY_TO in event.toJSON()).toBe(false);
  });
});
