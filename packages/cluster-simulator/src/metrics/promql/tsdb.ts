/*
 * The simulated Prometheus's storage: samples per series with a retention
 * window, staleness markers when a series disappears from its target's
 * scrape (https://prometheus.io/docs/prometheus/latest/querying/basics/#staleness),
 * and label-matcher selection for the evaluator.
 */
import { LabelMatcher } from './ast';
import { SeriesSource, StoredPoint, matches } from './evaluate';
import { LabelSet, labelsKey } from './values';

interface Series {
  labels: LabelSet;
  points: StoredPoint[];
}

/** In-memory series storage. */
export class SeriesStore implements SeriesSource {
  private readonly series = new Map<string, Series>();
  private readonly byName = new Map<string, Set<string>>();

  constructor(private readonly retentionMs: number) {}

  /** Appends a sample (or a staleness marker) to a series. */
  append(labels: LabelSet, t: number, v: number, stale = false): void {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) {
      if (stale) return;
      s = { labels, points: [] };
      this.series.set(key, s);
      const name = labels.__name__ ?? '';
      let set = this.byName.get(name);
      if (!set) {
        set = new Set();
        this.byName.set(name, set);
      }
      set.add(key);
    }
    const last = s.points[s.points.length - 1];
    if (last && last.t >= t) return;
    if (stale && (!last || last.stale)) return;
    s.points.push(stale ? { t, v: NaN, stale: true } : { t, v });
    this.trim(key, s, t);
  }

  private trim(key: string, s: Series, now: number): void {
    const cutoff = now - this.retentionMs;
    let drop = 0;
    while (drop < s.points.length && s.points[drop].t < cutoff) drop++;
    if (drop > 0) s.points.splice(0, drop);
    if (s.points.length === 0) {
      this.series.delete(key);
      this.byName.get(s.labels.__name__ ?? '')?.delete(key);
    }
  }

  select(
    matchers: LabelMatcher[],
    mint: number,
    maxt: number,
  ): Array<{ labels: LabelSet; points: StoredPoint[] }> {
    const nameEq = matchers.find(m => m.name === '__name__' && m.op === '=');
    const keys = nameEq
      ? this.byName.get(nameEq.value) ?? new Set<string>()
      : this.series.keys();
    const out: Array<{ labels: LabelSet; points: StoredPoint[] }> = [];
    for (const key of keys) {
      const s = this.series.get(key);
      if (!s || !matchers.every(m => matches(s.labels, m))) continue;
      const points = s.points.filter(p => p.t >= mint && p.t <= maxt);
      if (points.length > 0) out.push({ labels: s.labels, points });
    }
    return out;
  }
}
