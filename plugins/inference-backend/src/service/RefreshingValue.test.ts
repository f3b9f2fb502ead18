import { RefreshingValue } from './RefreshingValue';

describe('RefreshingValue', () => {
  it('loads once, then serves from memory and reloads in the background after the TTL', async () => {
    let now = 0;
    let version = 0;
    const load = jest.fn(async () => ++version);
    const value = new RefreshingValue(load, 1000, () => now);
    expect(await value.get()).toBe(1);
    expect(await value.get()).toBe(1);
    expect(load).toHaveBeenCalledTimes(1);
    now = 1500;
    expect(await value.get()).toBe(1); // stale answer, reload started
    await Promise.resolve();
    await Promise.resolve();
    expect(await value.get()).toBe(2);
  });

  it('never puts back a value loaded before an invalidation', async () => {
    let release: (v: string) => void = () => {};
    const answers = ['old', 'new'];
    const value = new RefreshingValue(
      () =>
        answers.length === 2
          ? new Promise<string>(r => {
              answers.shift();
              release = r;
            })
          : Promise.resolve(answers[0]),
      1000,
    );
    const first = value.get();
    value.invalidate();
    const second = value.get();
    release('old');
    expect(await first).toBe('old');
    expect(await second).toBe('new');
    expect(await value.get()).toBe('new');
  });
});
