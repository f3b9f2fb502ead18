import { TooManyRequestsError, WriteRateLimiter } from './rateLimit';

describe('WriteRateLimiter', () => {
  it('allows a burst of writesPerMinute, then one write per 60/writesPerMinute seconds, per caller', () => {
    let now = 0;
    const limiter = WriteRateLimiter.create({
      writesPerMinute: 6,
      now: () => now,
    });
    for (let i = 0; i < 6; i++) limiter.take('user:default/a');
    const refused = (() => {
      try {
        limiter.take('user:default/a');
        return undefined;
      } catch (error) {
        return error as TooManyRequestsError;
      }
    })();
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused).toMatchObject({ statusCode: 429, retryAfterSeconds: 10 });
    // another caller has its own allowance
    expect(() => limiter.take('user:default/b')).not.toThrow();

    now += 9_000;
    expect(() => limiter.take('user:default/a')).toThrow(/retry in 1 s/);
    now += 1_000;
    expect(() => limiter.take('user:default/a')).not.toThrow();
    expect(() => limiter.take('user:default/a')).toThrow(TooManyRequestsError);
    // a full minute idle refills the whole burst, no more
    now += 600_000;
    for (let i = 0; i < 6; i++) limiter.take('user:default/a');
    expect(() => limiter.take('user:default/a')).toThrow(TooManyRequestsError);
  });
});
