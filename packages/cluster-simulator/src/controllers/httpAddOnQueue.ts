/*
 * The interceptor's request counts per HTTPScaledObject, which the external
 * scaler reports to KEDA (kedacore/http-add-on pkg/queue: Counter; the
 * counting middleware increments concurrency when a request enters the
 * interceptor, before it waits for the workload, and decrements it when the
 * response is written; every arrival is also added to the request-rate
 * buckets).
 *
 * Request rate (pkg/queue RequestsBuckets, v0.8+ `scalingMetric.requestRate`):
 * arrivals are counted in buckets of `granularity`; the rate is the number
 * of arrivals in the buckets of the last `window` divided by the window in
 * seconds, trailing empty buckets included (changelog v0.9.0, #1075).
 */

/** What the scaler reads for one HTTPScaledObject. */
export interface QueueCount {
  /** requests in flight: waiting for the workload or being answered */
  concurrency: number;
  /** arrivals per second over the window */
  requestRate: number;
}

interface Entry {
  inFlight: number;
  buckets: Map<number, number>;
}

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** Parses a Go duration such as `1m`, `30s`, `1m30s`, `500ms` into milliseconds. */
export function parseGoDuration(
  d: string | undefined,
  fallbackMs: number,
): number {
  if (!d) return fallbackMs;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(d); m; m = re.exec(d)) {
    const n = Number(m[1]);
    total += n * UNIT_MS[m[2]];
    matched += m[0];
  }
  return matched === d && total > 0 ? total : fallbackMs;
}

/** Per-key in-flight counts and arrival buckets. */
export class RequestCounter {
  private readonly entries = new Map<string, Entry>();

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = { inFlight: 0, buckets: new Map() };
      this.entries.set(key, e);
    }
    return e;
  }

  /** A request entered the interceptor at `now`. */
  arrive(key: string, now: number, granularityMs: number): void {
    const e = this.entry(key);
    e.inFlight++;
    const b = Math.floor(now / granularityMs);
    e.buckets.set(b, (e.buckets.get(b) ?? 0) + 1);
  }

  /** A request's response was written (or it failed). */
  finish(key: string): void {
    const e = this.entry(key);
    e.inFlight = Math.max(0, e.inFlight - 1);
  }

  /** Counts now, for a window and granularity. */
  count(
    key: string,
    now: number,
    windowMs: number,
    granularityMs: number,
  ): QueueCount {
    const e = this.entries.get(key);
    if (!e) return { concurrency: 0, requestRate: 0 };
    const newest = Math.floor(now / granularityMs);
    const oldest =
      newest - Math.max(1, Math.round(windowMs / granularityMs)) + 1;
    let arrivals = 0;
    for (const [b, n] of e.buckets) {
      if (b < oldest) e.buckets.delete(b);
      else if (b <= newest) arrivals += n;
    }
    return {
      concurrency: e.inFlight,
      requestRate: arrivals / (windowMs / 1000),
    };
  }
}
