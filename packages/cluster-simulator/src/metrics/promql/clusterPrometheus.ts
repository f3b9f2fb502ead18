/*
 * Connects a SimPrometheus to its simulated cluster: ServiceMonitors,
 * Services and pods from the cluster's store, scrapes through the pod's
 * HTTP endpoint from a Prometheus pod in `monitoring` (so NetworkPolicies
 * apply to them), timers on the cluster's clock.
 */
import { resourceById } from '../../api/resources';
import type { SimCluster } from '../../sim/simCluster';
import { proxyToPod } from '../../sim/podEndpoints';
import { SimPrometheus } from './simPrometheus';

type Obj = Record<string, any>;

const SERVICE_MONITORS = resourceById('monitoring.coreos.com/servicemonitors');
const SERVICES = resourceById('core/services');
const PODS = resourceById('core/pods');
const NAMESPACES = resourceById('core/namespaces');

/** Labels of kube-prometheus-stack's Prometheus pods (the scrape's source). */
export const PROMETHEUS_POD_LABELS = {
  'app.kubernetes.io/name': 'prometheus',
  'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus',
  prometheus: 'kube-prometheus-stack-prometheus',
};
/** The namespace kube-prometheus-stack runs in. */
export const MONITORING_NAMESPACE = 'monitoring';

function all(
  cluster: SimCluster,
  type: ReturnType<typeof resourceById>,
): Obj[] {
  const out: Obj[] = [];
  for (const s of cluster.store.table(type).values())
    out.push(JSON.parse(s.json) as Obj);
  return out;
}

/** The simulated Prometheus of a cluster. */
export function clusterPrometheus(cluster: SimCluster): SimPrometheus {
  return new SimPrometheus({
    now: () => cluster.clock.now(),
    setTimer: (ms, fn) => {
      cluster.clock.setTimer(ms, fn);
    },
    serviceMonitors: () => all(cluster, SERVICE_MONITORS),
    services: () => all(cluster, SERVICES),
    pods: () => all(cluster, PODS),
    namespaces: () =>
      [...cluster.store.table(NAMESPACES).values()].map(n => n.name),
    scrape: target => {
      const pod = cluster.store.getObject(PODS, target.namespace, target.pod);
      if (!pod) return undefined;
      const ns = cluster.store.get(NAMESPACES, '', MONITORING_NAMESPACE);
      const res = proxyToPod(
        cluster,
        pod,
        String(target.port),
        target.path,
        new URLSearchParams(),
        undefined,
        {
          kind: 'pod',
          namespace: MONITORING_NAMESPACE,
          namespaceLabels: { ...(ns?.labels ?? {}) },
          podLabels: PROMETHEUS_POD_LABELS,
        },
      );
      return res.status === 200 ? res.body : undefined;
    },
  });
}
