import { evaluateInstant } from './evaluate';
import { PromqlParseError } from './parse';
import { SeriesStore } from './tsdb';
import { InstantSample, PromValue } from './values';

const T0 = 1_700_000_000_000;

function storeWith(
  series: Array<{
    labels: Record<string, string>;
    points: Array<[number, number]>;
  }>,
): SeriesStore {
  const s = new SeriesStore(3_600_000);
  for (const x of series)
    for (const [dt, v] of x.points) s.append(x.labels, T0 + dt * 1000, v);
  return s;
}

function vec(v: PromValue): InstantSample[] {
  if (v.kind !== 'vector') throw new Error(`not a vector: ${v.kind}`);
  const key = (x: InstantSample) => JSON.stringify(x.labels);
  return [...v.samples].sort((a, b) => {
    if (key(a) === key(b)) return 0;
    return key(a) < key(b) ? -1 : 1;
  });
}

const gauges = storeWith([
  {
    labels: { __name__: 'waiting', namespace: 'a', service: 'x', pod: 'x-1' },
    points: [[0, 2]],
  },
  {
    labels: { __name__: 'waiting', namespace: 'a', service: 'x', pod: 'x-2' },
    points: [[0, 4]],
  },
  {
    labels: {
      __name__: 'waiting',
      namespace: 'a',
      service: 'x-ha',
      pod: 'x-ha-1',
    },
    points: [[0, 10]],
  },
  {
    labels: { __name__: 'waiting', namespace: 'b', service: 'x', pod: 'x-1' },
    points: [[0, 100]],
  },
  {
    labels: { __name__: 'running', namespace: 'a', service: 'x', pod: 'x-1' },
    points: [[0, 1]],
  },
  {
    labels: { __name__: 'running', namespace: 'a', service: 'x', pod: 'x-2' },
    points: [[0, 3]],
  },
]);

describe('PromQL evaluation', () => {
  it('selects with =, !=, =~ (fully anchored) and !~', () => {
    const at = T0 + 10_000;
    expect(
      vec(
        evaluateInstant('sum(waiting{namespace="a",service="x"})', gauges, at),
      ),
    ).toEqual([{ labels: {}, value: 6 }]);
    // `x.*` is anchored, so it also matches x-ha: the TEI pod=~"name-.*" trap
    expect(
      vec(
        evaluateInstant(
          'sum(waiting{namespace="a",service=~"x.*"})',
          gauges,
          at,
        ),
      )[0].value,
    ).toBe(16);
    expect(
      vec(
        evaluateInstant('sum(waiting{namespace="a",service=~"x"})', gauges, at),
      )[0].value,
    ).toBe(6);
    expect(
      vec(evaluateInstant('sum(waiting{namespace!="a"})', gauges, at))[0].value,
    ).toBe(100);
    expect(
      vec(evaluateInstant('count(waiting{service!~"x-.*"})', gauges, at))[0]
        .value,
    ).toBe(3);
  });

  it('aggregates with by and without', () => {
    const at = T0 + 10_000;
    expect(
      vec(evaluateInstant('avg by (namespace) (waiting)', gauges, at)),
    ).toEqual([
      { labels: { namespace: 'a' }, value: 16 / 3 },
      { labels: { namespace: 'b' }, value: 100 },
    ]);
    expect(
      vec(
        evaluateInstant(
          'max without (pod) (waiting{namespace="a"})',
          gauges,
          at,
        ),
      ),
    ).toEqual([
      { labels: { namespace: 'a', service: 'x' }, value: 4 },
      { labels: { namespace: 'a', service: 'x-ha' }, value: 10 },
    ]);
  });

  it('matches vectors one-to-one, with on/ignoring, and rejects many-to-many', () => {
    const at = T0 + 10_000;
    expect(
      vec(
        evaluateInstant(
          'waiting{namespace="a",service="x"} + running',
          gauges,
          at,
        ),
      ),
    ).toEqual([
      { labels: { namespace: 'a', pod: 'x-1', service: 'x' }, value: 3 },
      { labels: { namespace: 'a', pod: 'x-2', service: 'x' }, value: 7 },
    ]);
    expect(
      vec(
        evaluateInstant(
          'sum by (service) (waiting{namespace="a"}) / on (service) sum by (service) (running)',
          gauges,
          at,
        ),
      ),
    ).toEqual([{ labels: { service: 'x' }, value: 6 / 4 }]);
    expect(() =>
      evaluateInstant('waiting / ignoring (pod) running', gauges, at),
    ).toThrow(/many-to-many/);
  });

  it('combines with or, and, unless, comparisons and clamp_min', () => {
    const at = T0 + 10_000;
    expect(
      vec(
        evaluateInstant(
          'sum(waiting{namespace="zzz"}) or vector(0)',
          gauges,
          at,
        ),
      ),
    ).toEqual([{ labels: {}, value: 0 }]);
    expect(
      vec(evaluateInstant('waiting{namespace="a"} > 3', gauges, at)).map(
        s => s.value,
      ),
    ).toEqual([4, 10]);
    expect(
      vec(evaluateInstant('waiting{namespace="a"} > bool 3', gauges, at)).map(
        s => s.value,
      ),
    ).toEqual([0, 1, 1]);
    expect(
      vec(evaluateInstant('waiting and running', gauges, at)),
    ).toHaveLength(2);
    expect(
      vec(evaluateInstant('waiting{namespace="a"} unless running', gauges, at)),
    ).toHaveLength(1);
    expect(
      vec(
        evaluateInstant(
          'clamp_min(sum(running{namespace="zzz"}) or vector(0), 1)',
          gauges,
          at,
        ),
      )[0].value,
    ).toBe(1);
    expect(evaluateInstant('2 * 3 + 1', gauges, at)).toEqual({
      kind: 'scalar',
      value: 7,
    });
  });

  it('forgets an instant sample after the 5 minute lookback and at a staleness marker', () => {
    const s = storeWith([
      { labels: { __name__: 'g', pod: 'p' }, points: [[0, 1]] },
    ]);
    expect(vec(evaluateInstant('g', s, T0 + 299_000))).toHaveLength(1);
    expect(vec(evaluateInstant('g', s, T0 + 301_000))).toHaveLength(0);
    s.append({ __name__: 'g', pod: 'p' }, T0 + 30_000, NaN, true);
    expect(vec(evaluateInstant('g', s, T0 + 31_000))).toHaveLength(0);
  });

  // promql/promqltest/testdata/functions.test, "rate" over a counter growing
  // by 10 every 5 minutes: rate(http_requests[50m]) at 50m = 0.0333…/s
  it('computes rate and increase with Prometheus extrapolation', () => {
    const pts: Array<[number, number]> = [];
    for (let i = 0; i <= 10; i++) pts.push([i * 300, i * 10]);
    const s = storeWith([
      { labels: { __name__: 'http_requests', job: 'api' }, points: pts },
    ]);
    const at = T0 + 3000_000;
    expect(
      vec(evaluateInstant('rate(http_requests[50m])', s, at))[0].value,
    ).toBeCloseTo(100 / 3000, 6);
    expect(
      vec(evaluateInstant('increase(http_requests[50m])', s, at))[0].value,
    ).toBeCloseTo(100, 6);
    // a reset is added back. The window (0s, 90s] is left-open, so it holds
    // 10, 20, 5: increase 15 over 60 s, extrapolated by 30 s to the start
    // (the zero point lies 40 s back, further): 15 × 90/60 = 22.5
    const r = storeWith([
      {
        labels: { __name__: 'c' },
        points: [
          [0, 0],
          [30, 10],
          [60, 20],
          [90, 5],
        ],
      },
    ]);
    expect(
      vec(evaluateInstant('irate(c[2m])', r, T0 + 90_000))[0].value,
    ).toBeCloseTo(5 / 30, 6);
    expect(
      vec(evaluateInstant('increase(c[90s])', r, T0 + 90_000))[0].value,
    ).toBeCloseTo(22.5, 6);
  });

  it('computes histogram_quantile over le buckets', () => {
    const s = storeWith([
      { labels: { __name__: 'h_bucket', le: '0.1' }, points: [[0, 50]] },
      { labels: { __name__: 'h_bucket', le: '0.5' }, points: [[0, 90]] },
      { labels: { __name__: 'h_bucket', le: '+Inf' }, points: [[0, 100]] },
    ]);
    // rank 0.5*100 = 50 falls at the top of the first bucket
    expect(
      vec(evaluateInstant('histogram_quantile(0.5, h_bucket)', s, T0))[0].value,
    ).toBeCloseTo(0.1, 6);
    expect(
      vec(evaluateInstant('histogram_quantile(0.7, h_bucket)', s, T0))[0].value,
    ).toBeCloseTo(0.3, 6);
  });

  it('rejects malformed queries as Prometheus does', () => {
    expect(() => evaluateInstant('sum(waiting{', gauges, T0)).toThrow(
      PromqlParseError,
    );
    expect(() => evaluateInstant('{a=""}', gauges, T0)).toThrow(
      /non-empty matcher/,
    );
  });
});
