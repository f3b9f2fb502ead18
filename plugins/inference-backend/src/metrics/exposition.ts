/**
 * Prometheus text exposition (format 0.0.4) reduced to flat samples. Written here because the parser on npm
 * (parse-prometheus-text-format 1.1) merges histogram series with different labels and drops their _sum and
 * _count, which per-model TTFT needs.
 */

/** One sample line: metric name, labels and value. */
export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Parses exposition text; comment and malformed lines are skipped. */
export function parseExposition(text: string): ExpositionSample[] {
  const samples: ExpositionSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    if (match[2]) {
      for (const label of match[2].matchAll(LABEL)) {
        labels[label[1]] = unescape(label[2]);
      }
    }
    const value = parseValue(match[3]);
    if (!Number.isNaN(value)) samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/** Sum of every series of a metric (first name found among the alternatives: current, then deprecated). */
export function sumOf(
  samples: ExpositionSample[],
  names: string[],
): number | undefined {
  for (const name of names) {
    const series = samples.filter(s => s.name === name);
    if (series.length > 0) return series.reduce((sum, s) => sum + s.value, 0);
  }
  return undefined;
}

/** Mean over the series of a metric (first name found among the alternatives). */
export function meanOf(
  samples: ExpositionSample[],
  names: string[],
): number | undefined {
  for (const name of names) {
    const series = samples.filter(s => s.name === name);
    if (series.length > 0)
      return series.reduce((sum, s) => sum + s.value, 0) / series.length;
  }
  return undefined;
}

/** Cumulative bucket counts of a histogram, summed over its series, by upper bound. */
export function histogramBuckets(
  samples: ExpositionSample[],
  name: string,
): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    const le = parseValue(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  return buckets;
}

/**
 * Quantile of the observations between two cumulative bucket snapshots, interpolated linearly inside the bucket
 * as Prometheus' histogram_quantile does.
 */
export function quantileOfIncrease(
  before: Map<number, number> | undefined,
  after: Map<number, number>,
  q: number,
): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map(b =>
    Math.max(0, (after.get(b) ?? 0) - (before?.get(b) ?? 0)),
  );
  const total = counts[counts.length - 1];
  if (!total) return undefined;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] >= rank) {
      const upper = bounds[i];
      const lower = i === 0 ? 0 : bounds[i - 1];
      if (!Number.isFinite(upper)) return lower;
      const below = i === 0 ? 0 : counts[i - 1];
      const inBucket = counts[i] - below;
      return inBucket > 0
        ? lower + ((upper - lower) * (rank - below)) / inBucket
        : upper;
    }
  }
  return undefined;
}
