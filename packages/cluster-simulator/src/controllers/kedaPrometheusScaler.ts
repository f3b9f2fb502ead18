/*
 * KEDA's prometheus scaler (keda pkg/scalers/prometheus_scaler.go,
 * ExecutePromQuery): GET <serverAddress>/api/v1/query; an empty result is 0
 * when ignoreNullValues (default true) and an error otherwise; more than one
 * element is an error; ±Inf is 0 or an error likewise. The address must be
 * one the cluster serves: kube-prometheus-stack's operator-made Service
 * `prometheus-operated` in `monitoring`; anything else is refused.
 * https://keda.sh/docs/2.16/scalers/prometheus/
 */
import type { PrometheusQueryResponse } from '../metrics/promql/simPrometheus';
import type { Scaler, ScalerReading } from './kedaScalers';

/** The in-cluster address of the simulated Prometheus. */
export const IN_CLUSTER_PROMETHEUS =
  'http://prometheus-operated.monitoring.svc:9090';

const KNOWN_HOSTS = new Set([
  'prometheus-operated.monitoring',
  'prometheus-operated.monitoring.svc',
  'prometheus-operated.monitoring.svc.cluster.local',
]);

/** True when a serverAddress reaches the cluster's Prometheus. */
export function isClusterPrometheus(address: string): boolean {
  const m = /^(?:https?:\/\/)?([^/:]+)(?::(\d+))?\/?$/.exec(address.trim());
  return !!m && KNOWN_HOSTS.has(m[1]) && (m[2] ?? '80') === '9090';
}

/** KEDA's reading of a /api/v1/query answer. */
export function readPrometheusAnswer(
  answer: PrometheusQueryResponse,
  query: string,
  ignoreNullValues: boolean,
): ScalerReading {
  if (answer.status === 'error')
    return {
      error: `prometheus query api returned error. status: 400 response: ${JSON.stringify(
        answer,
      )}`,
    };
  if (answer.data.resultType !== 'vector')
    // a scalar's [time, "value"] does not unmarshal into KEDA's vector result
    return {
      error: `json: cannot unmarshal number into Go struct field .data.result of type struct { Metric struct {} "json:\\"metric\\""; Value []interface {} "json:\\"value\\"" }`,
    };
  const result = answer.data.result;
  if (result.length === 0)
    return ignoreNullValues
      ? { value: 0 }
      : {
          error:
            "prometheus metrics 'prometheus' target may be lost, the result is empty",
        };
  if (result.length > 1)
    return { error: `prometheus query ${query} returned multiple elements` };
  const v = Number(
    result[0].value[1].replace('+Inf', 'Infinity').replace('-Inf', '-Infinity'),
  );
  if (!Number.isFinite(v) && !Number.isNaN(v))
    return ignoreNullValues
      ? { value: 0 }
      : { error: `promtheus query returns ${v > 0 ? '+Inf' : '-Inf'}` };
  return { value: v };
}

/** The prometheus scaler over a query function (simulated or real Prometheus). */
export function prometheusScaler(
  query: (
    namespace: string,
    q: string,
  ) => PrometheusQueryResponse | { unavailable: string },
  acceptsAddress: (address: string) => boolean = isClusterPrometheus,
): Scaler {
  return ({ scaledObject, trigger }) => {
    const m = trigger.metadata ?? {};
    const address = String(m.serverAddress ?? '');
    const q = String(m.query ?? '');
    if (!acceptsAddress(address)) {
      const hostPort = address.replace(/^https?:\/\//, '').replace(/\/$/, '');
      return {
        error: `Get "${address}/api/v1/query?query=...": dial tcp: lookup ${
          hostPort.split(':')[0]
        }: connection refused`,
      };
    }
    const answer = query(scaledObject.metadata.namespace, q);
    if ('unavailable' in answer) return { error: answer.unavailable };
    return readPrometheusAnswer(
      answer,
      q,
      String(m.ignoreNullValues ?? 'true') !== 'false',
    );
  };
}
