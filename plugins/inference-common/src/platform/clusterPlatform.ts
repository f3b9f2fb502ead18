/**
 * What a template must know about a cluster to render a service that works there: where Prometheus answers, which
 * namespaces the monitoring stack, the ingress controller and the KEDA HTTP add-on live in, where the API server's
 * proxy traffic comes from, how the model cache is stored, how fast models download, and the Pod Security level of
 * team namespaces. One set per cluster, from config (`inference.platform`), over defaults that match a standard
 * install: kube-prometheus-stack, ingress-nginx, KEDA with its HTTP add-on, and EKS storage.
 */

import type { PodSecurityLevel } from '../kubernetes/podSecurity';

/**
 * How the model cache is stored.
 * - `shared`: one PersistentVolumeClaim all replicas mount (needs a ReadWriteMany class such as EFS): downloaded once.
 * - `per-replica`: a generic ephemeral volume per pod (any ReadWriteOnce class such as EBS gp2/gp3): every new
 *   replica downloads the model.
 * - `node-local`: an emptyDir on the node's disk (instance store NVMe): every new replica downloads the model.
 *
 * @public
 */
export type ModelCacheMode = 'shared' | 'per-replica' | 'node-local';

/**
 * Platform settings of one cluster.
 *
 * @public
 */
export interface ClusterPlatformSettings {
  /** Prometheus base URL as KEDA's prometheus scaler reaches it from inside the cluster. */
  prometheusUrl: string;
  /** Namespace of the monitoring stack (Prometheus scrapes pods from there). */
  monitoringNamespace: string;
  ingress: {
    namespace: string;
    className: string;
    /** DNS suffix of the services' host names: `<name>.<namespace>.<domain>`. */
    domain: string;
  };
  httpAddOn: {
    namespace: string;
    interceptorService: string;
    interceptorPort: number;
  };
  /**
   * Where the API server's proxy connections to pods come from (the platform's default metrics source scrapes
   * through `pods/proxy`). Empty: unknown, so a NetworkPolicy cannot admit them and the platform says so.
   */
  apiServerCidrs: string[];
  modelCache: {
    mode: ModelCacheMode;
    /** StorageClass of the cache volume (`shared` and `per-replica`). */
    storageClassName: string;
    accessMode: 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod';
  };
  /** Sustained download rate of model weights from the model hub or mirror, MiB/s. */
  downloadMiBps: number;
  /** Read rate of weights from the cache volume into GPU memory, MiB/s. */
  loadMiBps: number;
  /** Engine start after the weights are in GPU memory (profiling, torch.compile, CUDA graph capture), seconds. */
  engineInitSeconds: number;
  /** Time Karpenter needs to bring a new GPU node to Ready, seconds (counted in the apply step's wait). */
  nodeLaunchSeconds: number;
  /** Pod Security Standard the team namespaces enforce. */
  podSecurity: PodSecurityLevel;
}

/**
 * Where each default comes from; `UNVERIFIED` marks a placeholder to override per cluster.
 *
 * @public
 */
export const CLUSTER_PLATFORM_DEFAULT_SOURCES: Record<
  keyof ClusterPlatformSettings,
  string
> = {
  prometheusUrl:
    'kube-prometheus-stack: the Prometheus Operator creates the governing Service "prometheus-operated" (port 9090 "web") in the release namespace (prometheus-operator Documentation/platform/operator.md; chart default namespace "monitoring" in its README)',
  monitoringNamespace:
    'kube-prometheus-stack README: helm install ... --namespace monitoring',
  ingress:
    'ingress-nginx deploy manifests install the controller in namespace "ingress-nginx" with IngressClass "nginx" (kubernetes.github.io/ingress-nginx/deploy); the domain is a placeholder, UNVERIFIED',
  httpAddOn:
    'KEDA HTTP add-on install (namespace "keda"): the interceptor proxy Service "keda-add-ons-http-interceptor-proxy" on port 8080 (kedacore/http-add-on docs/install.md, docs/walkthrough.md)',
  apiServerCidrs:
    'none: it depends on the cluster (on EKS, the VPC subnets of the control-plane network interfaces)',
  modelCache:
    'EKS: the EBS CSI driver serves ReadWriteOnce only, and "gp2" is the StorageClass EKS creates (docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html, create-storage-class); so one volume per replica',
  downloadMiBps:
    'UNVERIFIED placeholder (a conservative hub/mirror rate); set the rate your clusters measure',
  loadMiBps:
    'UNVERIFIED placeholder (EBS gp3 baseline is 125 MiB/s, provisionable to 1000 MiB/s: docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html); set what your cache volumes deliver',
  engineInitSeconds:
    'UNVERIFIED placeholder for vLLM profiling + torch.compile + CUDA graph capture; set from your startup logs',
  nodeLaunchSeconds:
    'UNVERIFIED placeholder for a GPU node launched by Karpenter to reach Ready (image pull included)',
  podSecurity:
    'Pod Security Standards: "restricted" is the hardened level for workloads (kubernetes.io/docs/concepts/security/pod-security-standards)',
};

/**
 * Defaults: kube-prometheus-stack, ingress-nginx, KEDA HTTP add-on, EKS storage; the rates are UNVERIFIED
 * placeholders (see {@link CLUSTER_PLATFORM_DEFAULT_SOURCES}).
 *
 * @public
 */
export const DEFAULT_CLUSTER_PLATFORM: ClusterPlatformSettings = {
  prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
  monitoringNamespace: 'monitoring',
  ingress: {
    namespace: 'ingress-nginx',
    className: 'nginx',
    domain: 'inference.internal',
  },
  httpAddOn: {
    namespace: 'keda',
    interceptorService: 'keda-add-ons-http-interceptor-proxy',
    interceptorPort: 8080,
  },
  apiServerCidrs: [],
  modelCache: {
    mode: 'per-replica',
    storageClassName: 'gp2',
    accessMode: 'ReadWriteOnce',
  },
  downloadMiBps: 100,
  loadMiBps: 500,
  engineInitSeconds: 120,
  nodeLaunchSeconds: 300,
  podSecurity: 'restricted',
};

/**
 * A partial setting as config gives it.
 *
 * @public
 */
export type ClusterPlatformOverrides = Partial<
  Omit<ClusterPlatformSettings, 'ingress' | 'httpAddOn' | 'modelCache'>
> & {
  ingress?: Partial<ClusterPlatformSettings['ingress']>;
  httpAddOn?: Partial<ClusterPlatformSettings['httpAddOn']>;
  modelCache?: Partial<ClusterPlatformSettings['modelCache']>;
};

/**
 * Why a cache mode cannot work with an access mode, or undefined: a volume every replica mounts must be
 * ReadWriteMany, since replicas run on different nodes.
 *
 * @public
 */
export function modelCacheRefusal(
  cache: ClusterPlatformSettings['modelCache'],
): string | undefined {
  if (cache.mode === 'shared' && cache.accessMode !== 'ReadWriteMany') {
    return `a shared model cache is mounted by replicas on different nodes, so it needs a ReadWriteMany class; ${cache.storageClassName} is configured as ${cache.accessMode}: use mode per-replica or node-local, or a ReadWriteMany class (EFS, Filestore, Azure Files)`;
  }
  return undefined;
}

/**
 * Settings of a cluster: the cluster's overrides over the fleet-wide ones over the defaults. Refuses settings that
 * cannot work (a shared cache on a single-node class, a non-positive rate).
 *
 * @public
 */
export function resolveClusterPlatform(
  ...layers: (ClusterPlatformOverrides | undefined)[]
): ClusterPlatformSettings {
  let out: ClusterPlatformSettings = DEFAULT_CLUSTER_PLATFORM;
  for (const layer of layers) {
    if (!layer) continue;
    const defined = <T extends object>(o: T | undefined): Partial<T> =>
      Object.fromEntries(
        Object.entries(o ?? {}).filter(([, v]) => v !== undefined),
      ) as Partial<T>;
    out = {
      ...out,
      ...defined(layer),
      ingress: { ...out.ingress, ...defined(layer.ingress) },
      httpAddOn: { ...out.httpAddOn, ...defined(layer.httpAddOn) },
      modelCache: { ...out.modelCache, ...defined(layer.modelCache) },
    };
  }
  const refusal = modelCacheRefusal(out.modelCache);
  if (refusal) throw new Error(refusal);
  for (const key of [
    'downloadMiBps',
    'loadMiBps',
    'engineInitSeconds',
    'nodeLaunchSeconds',
  ] as const) {
    if (!(out[key] > 0) && !(key === 'engineInitSeconds' && out[key] === 0))
      throw new Error(`${key} must be a positive number, got ${out[key]}`);
  }
  return out;
}
