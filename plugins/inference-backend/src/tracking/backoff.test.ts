import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from 0.8 s to the 30 s cap, with jitter up to +100 %', () => {
    let now = 0;
    const backoff = new Backoff(
      undefined,
      () => now,
      () => 0,
    );
    const delays = Array.from({ length: 8 }, () => {
      now += 1000;
      return backoff.next();
    });
    expect(delays).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    const jittered = new Backoff(
      undefined,
      () => now,
      () => 0.5,
    );
    expect(jittered.next()).toBe(1200);
  });

  it('starts over after two minutes without a failure', () => {
    let now = 0;
    const backoff = new Backoff(
      undefined,
      () => now,
      () => 0,
    );
    backoff.next();
    backoff.next();
    now += 119_000;
    expect(backoff.next()).toBe(3200);
    now += 121_000;
    expect(backoff.next()).toBe(800);
  });
});
