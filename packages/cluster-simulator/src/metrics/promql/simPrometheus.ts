/*
 * The Prometheus of a simulated cluster (kube-prometheus-stack's
 * `prometheus-operated` in `monitoring`): scrapes ServiceMonitor targets on
 * their interval, stores the samples with staleness markers, and answers
 * instant queries with the PromQL evaluator, in the shape of the HTTP API's
 * /api/v1/query (https://prometheus.io/docs/prometheus/latest/querying/api/).
 */
import { evaluateInstant } from './evaluate';
import { PromqlParseError } from './parse';
import {
  ScrapeTarget,
  serviceMonitorTargets,
  withTargetLabels,
} from './serviceMonitorTargets';
import { parseTextFormat } from './textFormat';
import { SeriesStore } from './tsdb';
import { LabelSet, PromValue, labelsKey } from './values';

type Obj = Record<string, any>;

/** What the simulated Prometheus reads from its cluster. @public */
export interface PrometheusCluster {
  now(): number;
  setTimer(delayMs: number, fn: () => void): void;
  serviceMonitors(): Obj[];
  services(): Obj[];
  pods(): Obj[];
  namespaces(): string[];
  /** the target's /metrics body, or undefined when the scrape fails */
  scrape(target: ScrapeTarget): string | undefined;
}

/** The JSON body of /api/v1/query. @public */
export type PrometheusQueryResponse =
  | {
      status: 'success';
      data:
        | {
            resultType: 'vector';
            result: Array<{ metric: LabelSet; value: [number, string] }>;
          }
        | { resultType: 'scalar' | 'string'; result: [number, string] };
    }
  | { status: 'error'; errorType: 'bad_data' | 'execution'; error: string };

const TICK_MS = 15_000;

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** A cluster's Prometheus. */
export class SimPrometheus {
  readonly store: SeriesStore;
  private readonly lastScrape = new Map<
    string,
    { at: number; series: Set<string>; labels: LabelSet[] }
  >();
  private running = false;

  constructor(
    private readonly cluster: PrometheusCluster,
    retentionMs = 30 * 60_000,
  ) {
    this.store = new SeriesStore(retentionMs);
  }

  /** Starts scraping (idempotent); the first query starts it too. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** Current scrape targets. */
  targets(): ScrapeTarget[] {
    return serviceMonitorTargets({
      serviceMonitors: this.cluster.serviceMonitors(),
      services: this.cluster.services(),
      pods: this.cluster.pods(),
      namespaces: this.cluster.namespaces(),
    });
  }

  private tick(): void {
    const shortest = this.scrapeDue();
    this.cluster.setTimer(Math.min(TICK_MS, shortest), () => this.tick());
  }

  /** Scrapes every target whose interval has passed; returns the shortest interval. */
  scrapeDue(): number {
    const now = this.cluster.now();
    const live = new Set<string>();
    let shortest = Infinity;
    for (const t of this.targets()) {
      shortest = Math.min(shortest, t.intervalMs);
      const key = `${t.labels.job}/${t.labels.instance}/${t.path}`;
      live.add(key);
      const prev = this.lastScrape.get(key);
      if (prev && now - prev.at < t.intervalMs - 1) continue;
      const text = this.cluster.scrape(t);
      const series = new Set<string>();
      const labelsOf: LabelSet[] = [];
      const add = (labels: LabelSet, v: number) => {
        this.store.append(labels, now, v);
        const k = labelsKey(labels);
        if (!series.has(k)) labelsOf.push(labels);
        series.add(k);
      };
      for (const s of text === undefined ? [] : parseTextFormat(text))
        add(withTargetLabels(s.labels, t.labels), s.value);
      add({ __name__: 'up', ...t.labels }, text === undefined ? 0 : 1);
      // series gone since the last scrape get a staleness marker
      for (const l of prev?.labels ?? [])
        if (!series.has(labelsKey(l))) this.store.append(l, now, NaN, true);
      this.lastScrape.set(key, { at: now, series, labels: labelsOf });
    }
    for (const [key, prev] of this.lastScrape) {
      if (live.has(key)) continue;
      for (const l of prev.labels) this.store.append(l, now, NaN, true);
      this.lastScrape.delete(key);
    }
    return Math.max(1000, shortest);
  }

  /** Evaluates an instant query (throws on parse and execution errors). */
  evaluate(query: string, at = this.cluster.now()): PromValue {
    this.start();
    return evaluateInstant(query, this.store, at);
  }

  /** GET /api/v1/query as Prometheus answers it. */
  query(query: string, at = this.cluster.now()): PrometheusQueryResponse {
    let v: PromValue;
    try {
      v = this.evaluate(query, at);
    } catch (e) {
      return {
        status: 'error',
        errorType: e instanceof PromqlParseError ? 'bad_data' : 'execution',
        error: (e as Error).message,
      };
    }
    const ts = at / 1000;
    if (v.kind === 'vector')
      return {
        status: 'success',
        data: {
          resultType: 'vector',
          result: v.samples.map(s => ({
            metric: s.labels,
            value: [ts, formatValue(s.value)],
          })),
        },
      };
    if (v.kind === 'scalar' || v.kind === 'string')
      return {
        status: 'success',
        data: {
          resultType: v.kind,
          result: [ts, v.kind === 'scalar' ? formatValue(v.value) : v.value],
        },
      };
    return {
      status: 'error',
      errorType: 'bad_data',
      error:
        'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    };
  }
}
