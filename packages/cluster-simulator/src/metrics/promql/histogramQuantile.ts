/*
 * histogram_quantile() over classic (le-bucketed) histograms, following
 * promql/quantile.go bucketQuantile: buckets sorted by upper bound, made
 * monotonic, the quantile interpolated linearly inside its bucket; the
 * lowest bucket interpolates from 0 when its bound is positive; a quantile
 * in the +Inf bucket answers the next-highest bound.
 */

/** One bucket: upper bound and cumulative count. */
export interface Bucket {
  upperBound: number;
  count: number;
}

/** The q-quantile of a classic histogram, or NaN when it has no answer. */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (buckets.length < 2) return NaN;
  if (buckets[buckets.length - 1].upperBound !== Infinity) return NaN;
  // coalesce equal bounds and force monotonic counts
  const merged: Bucket[] = [];
  for (const b of buckets) {
    const prev = merged[merged.length - 1];
    if (prev && prev.upperBound === b.upperBound) prev.count += b.count;
    else merged.push({ ...b });
  }
  for (let i = 1; i < merged.length; i++)
    if (merged[i].count < merged[i - 1].count)
      merged[i].count = merged[i - 1].count;
  const total = merged[merged.length - 1].count;
  if (total === 0 || Number.isNaN(total)) return NaN;
  const rank = q * total;
  let b = merged.findIndex(x => x.count >= rank);
  if (b === merged.length - 1) return merged[merged.length - 2].upperBound;
  if (b === 0 && merged[0].upperBound <= 0) return merged[0].upperBound;
  let bucketStart = 0;
  const bucketEnd = merged[b].upperBound;
  let count = merged[b].count;
  let r = rank;
  if (b > 0) {
    bucketStart = merged[b - 1].upperBound;
    count -= merged[b - 1].count;
    r -= merged[b - 1].count;
  }
  if (b < 0) b = 0;
  return bucketStart + (bucketEnd - bucketStart) * (r / count);
}
