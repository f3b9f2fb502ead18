/*
 * A real Prometheus as the prometheus scaler's server (simulator option
 * `prometheusUrl`): queries go to <base>/api/v1/query. Scalers read
 * synchronously, so each read answers with the last response and starts a
 * fresh request; the first read of a query is an error until it arrives,
 * as a slow server would be.
 */
import type { PrometheusQueryResponse } from './simPrometheus';

/** Answers of a real Prometheus, cached per query. */
export class RemotePrometheus {
  private readonly cache = new Map<
    string,
    PrometheusQueryResponse | { unavailable: string }
  >();
  private readonly inflight = new Set<string>();

  constructor(private readonly baseUrl: string) {}

  /** The latest answer to a query (and a refresh in the background). */
  query(q: string): PrometheusQueryResponse | { unavailable: string } {
    this.refresh(q);
    return (
      this.cache.get(q) ?? {
        unavailable: `no answer yet from ${this.baseUrl} for ${q}`,
      }
    );
  }

  private refresh(q: string): void {
    if (this.inflight.has(q)) return;
    this.inflight.add(q);
    const url = `${this.baseUrl.replace(
      /\/$/,
      '',
    )}/api/v1/query?query=${encodeURIComponent(q)}`;
    fetch(url)
      .then(async r => {
        const body = (await r.json()) as PrometheusQueryResponse;
        this.cache.set(q, body);
      })
      .catch(e => this.cache.set(q, { unavailable: String(e) }))
      .finally(() => this.inflight.delete(q));
  }
}
