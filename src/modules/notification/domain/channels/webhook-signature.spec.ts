import { WEBHOOK_SECRET, webhookHeaders } from './webhook-signature';

describe('Standard Webhooks signature', () => {
  it('signs id.timestamp.body as the specification’s own example does', () => {
    // The example of the Standard Webhooks reference libraries' tests.
    const headers = webhookHeaders('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', new Date(1614265330_000));

    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('takes only whsec_ secrets with a key of at least 24 bytes', () => {
    expect(WEBHOOK_SECRET.test('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(true);
    expect(WEBHOOK_SECRET.test('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(false);
    expect(WEBHOOK_SECRET.test('whsec_short')).toBe(false);
  });
});
