import {
  DEFAULT_ERROR_RATE_THRESHOLD,
  diagnoseServiceLevels,
  ServiceLevelSample,
} from './serviceLevels';

const start = Date.parse('2026-11-26T14:00:00Z');
/** One sample every 30 s for `count` samples, ending at 14:05:00. */
function samples(
  count: number,
  value: (i: number) => Omit<ServiceLevelSample, 't'>,
): ServiceLevelSample[] {
  return Array.from({ length: count }, (_, i) => ({
    t: start + 300_000 - (count - 1 - i) * 30_000,
    ...value(i),
  }));
}
const objectives = {
  ttftP95Ms: 800,
  errorRate: DEFAULT_ERROR_RATE_THRESHOLD,
  errorRateSource: 'default' as const,
};

describe('diagnoseServiceLevels', () => {
  it('turns a TTFT p95 above the objective into a finding with value, target and window', () => {
    const findings = diagnoseServiceLevels({
      samples: samples(10, i => ({ ttftP95Seconds: i === 9 ? 4.61 : 4.59 })),
      objectives,
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'ttft-slo-breached',
      kind: 'ttft-slo-breached',
      severity: 'warning',
      summary:
        'Time to first token p95 is 4.59 s against the objective of 800 ms (5.7x) over the last 5 minutes.',
    });
    expect(findings[0].evidence).toEqual([
      {
        source: 'metric',
        text: 'TTFT p95 4.59 s (median of 10 samples from 14:00:30 to 14:05:00 UTC, latest 4.61 s) against the objective 800 ms (inference-platform.io/slo-ttft-p95-ms)',
        at: '2026-11-26T14:05:00.000Z',
        facts: {
          valueSeconds: 4.59,
          targetSeconds: 0.8,
          window: '5m',
          samples: 10,
          latestSeconds: 4.61,
          from: '2026-11-26T14:00:30.000Z',
          to: '2026-11-26T14:05:00.000Z',
        },
      },
    ]);
  });

  it('is not raised by one slow interval, by samples outside the window, or without an objective', () => {
    const spike = samples(10, i => ({ ttftP95Seconds: i === 5 ? 9 : 0.4 }));
    expect(diagnoseServiceLevels({ samples: spike, objectives })).toEqual([]);
    const old = samples(20, i => ({ ttftP95Seconds: i < 12 ? 5 : 0.4 }));
    expect(diagnoseServiceLevels({ samples: old, objectives })).toEqual([]);
    expect(
      diagnoseServiceLevels({
        samples: samples(10, () => ({ ttftP95Seconds: 5 })),
        objectives: { ...objectives, ttftP95Ms: undefined },
      }),
    ).toEqual([]);
  });

  it('flags an error rate above the default threshold and labels the threshold as the default', () => {
    const [finding] = diagnoseServiceLevels({
      samples: samples(10, () => ({ errorRate: 0.042 })),
      objectives,
    });
    expect(finding).toMatchObject({
      kind: 'error-rate-high',
      severity: 'warning',
      summary:
        '4.2% of finished requests failed over the last 5 minutes, against 1.0% (the default threshold).',
    });
    expect(finding.evidence[0].text).toBe(
      'error rate 4.2% (mean of 10 samples from 14:00:30 to 14:05:00 UTC) against 1.0% (default threshold; set inference.slo.errorRateThreshold to change it)',
    );
    expect(finding.evidence[0].facts).toMatchObject({
      value: 0.042,
      target: 0.01,
      targetSource: 'default',
      window: '5m',
    });
  });

  it('uses a configured threshold and ignores intervals that finished no request', () => {
    const input = {
      samples: samples(10, i => ({ errorRate: i % 2 ? undefined : 0.03 })),
      objectives: {
        ...objectives,
        errorRate: 0.05,
        errorRateSource: 'config' as const,
      },
    };
    expect(diagnoseServiceLevels(input)).toEqual([]);
    const [finding] = diagnoseServiceLevels({
      ...input,
      objectives: { ...input.objectives, errorRate: 0.02 },
    });
    expect(finding.summary).toMatch(
      /3.0% .* against 2.0% \(the configured threshold\)/,
    );
    expect(finding.evidence[0].facts).toMatchObject({ samples: 5 });
  });
});
