/*
 * NetworkPolicy enforcement on the paths the simulator carries traffic to
 * pods: the API server's pods/proxy and services/proxy, Prometheus scrapes,
 * and (for add-ons) pod-to-pod connections. Reads the destination
 * namespace's NetworkPolicies and the source namespace's labels from the
 * cluster's store and asks `ingressAllowed`.
 */
import { resourceById } from '../api/resources';
import type { PodLife } from '../controllers/kubelet';
import { ClusterStore } from '../store/clusterStore';
import { TrafficSource, addressInCidr, ingressAllowed } from './networkPolicy';

const NETWORK_POLICIES = resourceById('networking.k8s.io/networkpolicies');
const NAMESPACES = resourceById('core/namespaces');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** Default `apiServerCidr`: where a cluster's API server connects to pods from. @public */
export const DEFAULT_API_SERVER_CIDR = '10.0.0.0/16';

/**
 * The address the API server's proxy connections come from. On EKS the
 * control plane reaches pods through cross-account ENIs placed in the
 * cluster's subnets (https://docs.aws.amazon.com/eks/latest/userguide/
 * network-reqs.html), so the source is an address of the VPC, not a pod; the
 * simulator takes the 10th address of the configured CIDR.
 */
export function apiServerSource(apiServerCidr: string): TrafficSource {
  return { kind: 'ip', ip: addressInCidr(apiServerCidr, 10) };
}

/**
 * Labels of a namespace as NetworkPolicy namespaceSelectors see them, with
 * `kubernetes.io/metadata.name`, which the API server sets on every namespace
 * (Kubernetes 1.22+, NamespaceDefaultLabelName).
 */
export function namespaceLabels(
  store: ClusterStore,
  namespace: string,
): Record<string, string> {
  const s = store.get(NAMESPACES, undefined, namespace);
  return {
    ...(s?.labels ?? {}),
    'kubernetes.io/metadata.name': namespace,
  };
}

/** A pod of the cluster as a traffic source. @public */
export function podSource(
  store: ClusterStore,
  namespace: string,
  podLabels: Record<string, string>,
  ip?: string,
): TrafficSource {
  return {
    kind: 'pod',
    namespace,
    namespaceLabels: namespaceLabels(store, namespace),
    podLabels,
    ip,
  };
}

/**
 * The Prometheus of kube-prometheus-stack: the prometheus-operator's
 * StatefulSet pods in `monitoring`, labelled `app.kubernetes.io/name:
 * prometheus` (and the Prometheus CR's name as `prometheus`).
 */
export function prometheusSource(store: ClusterStore): TrafficSource {
  return podSource(store, 'monitoring', {
    'app.kubernetes.io/name': 'prometheus',
    'app.kubernetes.io/instance': 'kube-prometheus-stack-prometheus',
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    prometheus: 'kube-prometheus-stack-prometheus',
  });
}

/** Whether the pod's namespace's NetworkPolicies admit the connection. */
export function podAdmits(
  store: ClusterStore,
  source: TrafficSource,
  pod: Obj,
  port: number | string,
): boolean {
  const namespace = String(pod.metadata?.namespace ?? '');
  const policies = Array.from(
    store.table(NETWORK_POLICIES).values(namespace),
    s => JSON.parse(s.json) as Obj,
  );
  if (policies.length === 0) return true;
  return ingressAllowed(policies, source, { pod, port }).allowed;
}

/**
 * What the API server answers when its proxy cannot dial the pod because a
 * policy drops the packets: the dial times out, and the proxy transport turns
 * the error into 503 ServiceUnavailable `error trying to reach service: dial
 * tcp <ip>:<port>: i/o timeout` (k8s.io/apimachinery pkg/util/proxy
 * transport.go RoundTrip, errors.NewServiceUnavailable).
 */
export function dialTimeoutMessage(ip: string, port: number | string): string {
  return `error trying to reach service: dial tcp ${ip}:${port}: i/o timeout`;
}

/**
 * Whether the cluster's Prometheus (namespace `monitoring`) may connect to a
 * running pod's metrics port. For scrape paths (the control server's
 * `/metrics/<cluster>/<ns>/<pod>` and the simulated Prometheus).
 */
export function prometheusMayScrape(
  cluster: { store: ClusterStore },
  life: Pick<PodLife, 'namespace' | 'name' | 'plan'>,
): boolean {
  const pod = cluster.store.getObject(PODS, life.namespace, life.name);
  if (!pod) return false;
  return podAdmits(
    cluster.store,
    prometheusSource(cluster.store),
    pod as Obj,
    life.plan.port,
  );
}
