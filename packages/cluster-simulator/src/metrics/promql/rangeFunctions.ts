/*
 * Functions over range vectors, as Prometheus computes them
 * (promql/functions.go: extrapolatedRate for rate/increase/delta,
 * instantValue for irate/idelta, aggrOverTime for *_over_time).
 */
import { RangeSeries } from './values';

type Point = { t: number; v: number };

/**
 * rate(), increase() and delta(): the change over the samples in the window,
 * with counter resets added back, extrapolated towards the window's edges
 * (by at most half a sample interval when the series starts or ends inside
 * the window, and never below a counter's zero point). Follows
 * promql/functions.go extrapolatedRate (Prometheus 3.x).
 */
export function extrapolatedRate(
  points: Point[],
  rangeStart: number,
  rangeEnd: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0];
  const last = points[points.length - 1];
  let result = last.v - first.v;
  if (isCounter) {
    for (let i = 1; i < points.length; i++)
      if (points[i].v < points[i - 1].v) result += points[i - 1].v;
  }
  let durationToStart = (first.t - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  const averageBetween = sampledInterval / (points.length - 1);
  const threshold = averageBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = averageBetween / 2;
  if (isCounter && result > 0 && first.v >= 0) {
    // a counter cannot have been below zero before its first sample
    const durationToZero = sampledInterval * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageBetween / 2;
  const factor =
    (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  const rangeSeconds = (rangeEnd - rangeStart) / 1000;
  return result * (isRate ? factor / rangeSeconds : factor);
}

/** irate() and idelta(): the last two samples only (functions.go instantValue). */
export function instantValue(
  points: Point[],
  isRate: boolean,
): number | undefined {
  if (points.length < 2) return undefined;
  const a = points[points.length - 2];
  const b = points[points.length - 1];
  // a counter reset between the two samples: the last value is the increase
  let delta = isRate && b.v < a.v ? b.v : b.v - a.v;
  if (!isRate) delta = b.v - a.v;
  const seconds = (b.t - a.t) / 1000;
  if (isRate) {
    if (seconds === 0) return undefined;
    return delta / seconds;
  }
  return delta;
}

/** *_over_time() aggregations of one series' samples. */
export function overTime(fn: string, points: Point[]): number | undefined {
  if (points.length === 0) return undefined;
  const vs = points.map(p => p.v);
  switch (fn) {
    case 'avg_over_time':
      return vs.reduce((a, b) => a + b, 0) / vs.length;
    case 'sum_over_time':
      return vs.reduce((a, b) => a + b, 0);
    case 'max_over_time':
      return vs.reduce((a, b) => (Number.isNaN(a) || b > a ? b : a));
    case 'min_over_time':
      return vs.reduce((a, b) => (Number.isNaN(a) || b < a ? b : a));
    case 'count_over_time':
      return vs.length;
    case 'last_over_time':
      return vs[vs.length - 1];
    default:
      return undefined;
  }
}

/** Range functions the evaluator knows. */
export const RANGE_FUNCTIONS = new Set([
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'avg_over_time',
  'sum_over_time',
  'max_over_time',
  'min_over_time',
  'count_over_time',
  'last_over_time',
]);

/** Applies a range function to one series of a range vector. */
export function applyRangeFunction(
  fn: string,
  s: RangeSeries,
  rangeStart: number,
  rangeEnd: number,
): number | undefined {
  switch (fn) {
    case 'rate':
      return extrapolatedRate(s.points, rangeStart, rangeEnd, true, true);
    case 'increase':
      return extrapolatedRate(s.points, rangeStart, rangeEnd, true, false);
    case 'delta':
      return extrapolatedRate(s.points, rangeStart, rangeEnd, false, false);
    case 'irate':
      return instantValue(s.points, true);
    case 'idelta':
      return instantValue(s.points, false);
    default:
      return overTime(fn, s.points);
  }
}
