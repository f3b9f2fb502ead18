import {
  histogramBuckets,
  parseExposition,
  quantileOfIncrease,
  sumOf,
} from './exposition';

const TEXT = `# HELP vllm:num_requests_running Number of requests running.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 7.0
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="m"} 0.5
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{model_name="a",le="0.1"} 4.0
vllm:time_to_first_token_seconds_bucket{model_name="a",le="0.5"} 9.0
vllm:time_to_first_token_seconds_bucket{model_name="a",le="+Inf"} 10.0
vllm:time_to_first_token_seconds_bucket{model_name="b",le="0.1"} 0.0
vllm:time_to_first_token_seconds_bucket{model_name="b",le="0.5"} 0.0
vllm:time_to_first_token_seconds_bucket{model_name="b",le="+Inf"} 10.0
vllm:time_to_first_token_seconds_sum{model_name="a"} 2.5
escaped{path="C:\\\\x\\"y\\""} 1 1700000000000
broken line
`;

describe('parseExposition', () => {
  const samples = parseExposition(TEXT);

  it('reads names, labels (with escapes) and values, skipping comments and junk', () => {
    expect(samples.find(s => s.name === 'vllm:num_requests_running')).toEqual({
      name: 'vllm:num_requests_running',
      labels: { engine: '0', model_name: 'meta-llama/Llama-3.1-8B-Instruct' },
      value: 7,
    });
    expect(samples.find(s => s.name === 'escaped')?.labels.path).toBe(
      'C:\\x"y"',
    );
    expect(samples.some(s => s.name === 'broken')).toBe(false);
  });

  it('falls back to deprecated names', () => {
    expect(
      sumOf(samples, ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc']),
    ).toBe(0.5);
    expect(sumOf(samples, ['nope'])).toBeUndefined();
  });

  it('keeps histogram series with different labels and interpolates a quantile of the increase', () => {
    const buckets = histogramBuckets(
      samples,
      'vllm:time_to_first_token_seconds',
    );
    expect([...buckets.entries()]).toEqual([
      [0.1, 4],
      [0.5, 9],
      [Infinity, 20],
    ]);
    // 20 observations: 4 under 0.1 s, 5 in (0.1, 0.5], 11 above 0.5 s
    expect(quantileOfIncrease(undefined, buckets, 0.1)).toBeCloseTo(0.05);
    expect(quantileOfIncrease(undefined, buckets, 0.3)).toBeCloseTo(
      0.1 + (0.4 * 2) / 5,
    );
    expect(quantileOfIncrease(undefined, buckets, 0.95)).toBe(0.5);
    const before = new Map([
      [0.1, 4],
      [0.5, 9],
      [Infinity, 20],
    ]);
    expect(quantileOfIncrease(before, buckets, 0.5)).toBeUndefined();
  });
});
