import { retryDelayMs } from './retryAfter';

describe('retryDelayMs', () => {
  const maxWaitMs = 30_000;

  it('waits the seconds a 429 or 503 asks for', () => {
    expect(retryDelayMs(429, '2', { maxWaitMs })).toBe(2000);
    expect(retryDelayMs(503, ' 0 ', { maxWaitMs })).toBe(0);
  });

  it('reads an HTTP date against the clock', () => {
    const now = Date.parse('2026-12-05T08:00:00Z');
    expect(
      retryDelayMs(429, 'Sat, 05 Dec 2026 08:00:07 GMT', { maxWaitMs, now }),
    ).toBe(7000);
    expect(
      retryDelayMs(429, 'Sat, 05 Dec 2026 07:59:00 GMT', { maxWaitMs, now }),
    ).toBe(0);
  });

  it('does not retry other statuses, a missing or unreadable header, or a wait beyond the limit', () => {
    expect(retryDelayMs(500, '1', { maxWaitMs })).toBeUndefined();
    expect(retryDelayMs(409, '1', { maxWaitMs })).toBeUndefined();
    expect(retryDelayMs(429, null, { maxWaitMs })).toBeUndefined();
    expect(retryDelayMs(429, 'soon', { maxWaitMs })).toBeUndefined();
    expect(retryDelayMs(429, '-1', { maxWaitMs })).toBeUndefined();
    expect(retryDelayMs(503, '31', { maxWaitMs })).toBeUndefined();
  });
});
