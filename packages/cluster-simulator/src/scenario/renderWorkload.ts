/*
 * Renders a scenario workload into the manifests a platform team would
 * apply: the workload (Deployment, StatefulSet, LeaderWorkerSet or KServe
 * InferenceService) with the model in its container args and its image
 * pinned by digest, a Service, a ServiceMonitor, an HPA or KEDA ScaledObject,
 * a PodDisruptionBudget and a NetworkPolicy.
 */
import { GPU_MODELS } from '../sim/gpuCatalog';
import { pinnedImage } from '../sim/imageCatalog';
import { KubeObject } from '../store/storedObject';
import { WorkloadSpec } from './schema';

type Obj = Record<string, any>;

const DEFAULT_IMAGES: Record<string, string> = {
  vllm: 'docker.io/vllm/vllm-openai:v0.10.1',
  tgi: 'ghcr.io/huggingface/text-generation-inference:3.3.5',
  triton: 'nvcr.io/nvidia/tritonserver:24.05-py3',
};

function teiImage(gpuProduct: string | undefined): string {
  // TEI publishes one image per GPU architecture
  const tags: Record<string, string> = {
    turing: 'turing-1.6',
    'ada-lovelace': '89-1.6',
    hopper: 'hopper-1.6',
  };
  const family = gpuProduct ? GPU_MODELS[gpuProduct]?.family : undefined;
  return `ghcr.io/huggingface/text-embeddings-inference:${
    (family && tags[family]) ?? '1.6'
  }`;
}

function engineContainer(w: WorkloadSpec): Obj {
  const image = pinnedImage(
    w.image ??
      (w.engine === 'tei' ? teiImage(w.gpuProduct) : DEFAULT_IMAGES[w.engine]),
  );
  const gpuResource = w.gpuResource ?? 'nvidia.com/gpu';
  const resources: Obj = {
    requests: {
      cpu: w.cpu,
      memory: w.memory,
      ...(w.gpus > 0 ? { [gpuResource]: String(w.gpus) } : {}),
    },
    limits: {
      memory: w.memory,
      ...(w.gpus > 0 ? { [gpuResource]: String(w.gpus) } : {}),
    },
  };
  const base = {
    image,
    resources,
    terminationMessagePolicy: w.terminationMessagePolicy,
    imagePullPolicy: 'IfNotPresent',
  };
  switch (w.engine) {
    case 'vllm':
      return {
        name: 'vllm',
        ...base,
        args: [
          '--model',
          w.model,
          '--served-model-name',
          w.model,
          '--tensor-parallel-size',
          String(w.tensorParallel ?? Math.max(1, w.gpus)),
          ...(w.maxModelLen ? ['--max-model-len', String(w.maxModelLen)] : []),
          '--gpu-memory-utilization',
          w.gpuMemoryUtilization.toFixed(2),
          '--port',
          '8000',
        ],
        env: [
          {
            name: 'HF_TOKEN',
            valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } },
          },
          { name: 'VLLM_LOGGING_LEVEL', value: 'INFO' },
        ],
        ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
        readinessProbe: {
          httpGet: { path: '/health', port: 8000 },
          periodSeconds: 10,
          failureThreshold: 3,
        },
        startupProbe: {
          httpGet: { path: '/health', port: 8000 },
          periodSeconds: 10,
          failureThreshold: 180,
        },
        volumeMounts: [
          { name: 'dshm', mountPath: '/dev/shm' },
          { name: 'model-cache', mountPath: '/root/.cache/huggingface' },
        ],
      };
    case 'tgi':
      return {
        name: 'tgi',
        ...base,
        args: [
          '--model-id',
          w.model,
          '--port',
          '80',
          ...(w.maxModelLen
            ? ['--max-total-tokens', String(w.maxModelLen)]
            : []),
        ],
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        readinessProbe: {
          httpGet: { path: '/health', port: 80 },
          periodSeconds: 10,
        },
        volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
      };
    case 'tei':
      return {
        name: 'tei',
        ...base,
        args: ['--model-id', w.model, '--port', '80'],
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        readinessProbe: {
          httpGet: { path: '/health', port: 80 },
          periodSeconds: 10,
        },
      };
    default:
      return {
        name: 'triton',
        ...base,
        command: ['tritonserver'],
        args: [
          `--model-repository=s3://models/${w.name}`,
          '--model-control-mode=explicit',
          `--load-model=${w.model}`,
          '--metrics-port=8002',
        ],
        ports: [
          { name: 'http', containerPort: 8000, protocol: 'TCP' },
          { name: 'grpc', containerPort: 8001, protocol: 'TCP' },
          { name: 'metrics', containerPort: 8002, protocol: 'TCP' },
        ],
        readinessProbe: {
          httpGet: { path: '/v2/health/ready', port: 8000 },
          periodSeconds: 10,
        },
      };
  }
}

/** Labels shared by a workload, its pods and its companions. */
export function workloadLabels(w: WorkloadSpec): Record<string, string> {
  const modelShort = w.model
    .split('/')
    .pop()!
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63);
  return {
    'app.kubernetes.io/name': w.name,
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/managed-by': 'inference-platform',
    'backstage.io/kubernetes-id': w.kubernetesId ?? w.name,
    'inference-platform.io/owner': w.team,
    'inference-platform.io/model': modelShort,
    'inference-platform.io/engine': w.engine,
    ...w.labels,
  };
}

function podTemplate(w: WorkloadSpec, labels: Record<string, string>): Obj {
  const container = engineContainer(w);
  const port = container.ports[container.ports.length - 1].containerPort;
  const spec: Obj = {
    containers: [container],
    tolerations:
      w.gpus > 0
        ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]
        : [],
    terminationGracePeriodSeconds: 60,
  };
  if (w.gpuProduct)
    spec.nodeSelector = { 'nvidia.com/gpu.product': w.gpuProduct };
  if (w.engine === 'vllm') {
    spec.volumes = [
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
      { name: 'model-cache', emptyDir: {} },
    ];
  } else if (w.engine === 'tgi') {
    spec.volumes = [
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } },
    ];
  }
  return {
    metadata: {
      labels,
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
        'inference-platform.io/model-id': w.model,
        ...w.annotations,
      },
    },
    spec,
  };
}

/** All manifests of one workload, in apply order. */
export function renderWorkload(
  w: WorkloadSpec,
  cluster: { apiServerCidr?: string } = {},
): KubeObject[] {
  const labels = workloadLabels(w);
  const selector = { 'app.kubernetes.io/name': w.name };
  const meta = (name = w.name, extra: Obj = {}) => ({
    name,
    namespace: w.namespace,
    labels,
    ...extra,
  });
  const template = podTemplate(w, labels);
  const out: KubeObject[] = [];
  const workloadAnnotations = {
    'inference-platform.io/model-id': w.model,
    ...w.annotations,
  };
  if (w.kind === 'Deployment') {
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(w.name, { annotations: workloadAnnotations }),
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: selector },
        template,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
        },
      },
    });
  } else if (w.kind === 'StatefulSet') {
    out.push({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(w.name, { annotations: workloadAnnotations }),
      spec: {
        replicas: w.replicas,
        serviceName: w.name,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        template,
      },
    });
  } else if (w.kind === 'LeaderWorkerSet') {
    out.push({
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      metadata: meta(w.name, { annotations: workloadAnnotations }),
      spec: {
        replicas: w.replicas,
        leaderWorkerTemplate: {
          size: w.groupSize ?? 2,
          restartPolicy: 'RecreateGroupOnPodRestart',
          workerTemplate: template,
        },
        startupPolicy: 'LeaderCreated',
      },
    });
  } else {
    const c = engineContainer(w);
    out.push({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: meta(w.name, {
        annotations: {
          ...workloadAnnotations,
          'serving.kserve.io/deploymentMode': 'RawDeployment',
        },
      }),
      spec: {
        predictor: {
          minReplicas: w.replicas,
          maxReplicas: w.autoscaler?.max ?? w.replicas,
          nodeSelector: template.spec.nodeSelector,
          tolerations: template.spec.tolerations,
          containers: [{ ...c, name: 'kserve-container' }],
        },
      },
    });
  }
  if (w.kind !== 'InferenceService') {
    const port = template.spec.containers[0].ports[0];
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: {
        selector,
        ports: [
          {
            name: 'http',
            port: 80,
            targetPort: port.containerPort,
            protocol: 'TCP',
          },
        ],
      },
    });
  }
  if (w.serviceMonitor) {
    const metricsPort = w.engine === 'triton' ? 'metrics' : 'http';
    if (w.engine === 'triton')
      (out[1]?.spec as Obj | undefined)?.ports?.push({
        name: 'metrics',
        port: 8002,
        targetPort: 8002,
        protocol: 'TCP',
      });
    out.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(),
      spec: {
        selector: { matchLabels: selector },
        endpoints: [{ port: metricsPort, path: '/metrics', interval: '30s' }],
      },
    });
  }
  const a = w.autoscaler;
  if (a?.type === 'hpa' && w.kind !== 'InferenceService') {
    const metric =
      a.metric === 'cpu' || a.metric === 'memory'
        ? {
            type: 'Resource',
            resource: {
              name: a.metric,
              target: { type: 'Utilization', averageUtilization: a.target },
            },
          }
        : {
            type: 'Pods',
            pods: {
              metric: { name: a.metric },
              target: { type: 'AverageValue', averageValue: String(a.target) },
            },
          };
    out.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: w.kind, name: w.name },
        minReplicas: a.min,
        maxReplicas: a.max,
        metrics: [metric],
      },
    });
  } else if (a?.type === 'keda' && w.kind !== 'InferenceService') {
    out.push({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: meta(),
      spec: {
        scaleTargetRef: { name: w.name, kind: w.kind, apiVersion: 'apps/v1' },
        pollingInterval: a.pollingInterval,
        cooldownPeriod: a.cooldownPeriod,
        minReplicaCount: a.min,
        maxReplicaCount: a.max,
        triggers: [
          {
            type: 'prometheus',
            metadata: {
              serverAddress: a.serverAddress,
              query: `sum(${a.metric}{namespace="${w.namespace}",model_name="${w.model}"})`,
              threshold: String(a.threshold),
              activationThreshold: String(a.activationThreshold),
            },
          },
        ],
      },
    });
  }
  if (w.pdb) {
    out.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(),
      spec: {
        minAvailable: w.pdb.minAvailable,
        selector: { matchLabels: selector },
      },
    });
  }
  if (w.networkPolicy) {
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { 'inference-platform.io/gateway': 'true' },
                },
              },
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
                },
              },
              // the API server's pod proxy, through which the platform reads /metrics
              ...(cluster.apiServerCidr
                ? [{ ipBlock: { cidr: cluster.apiServerCidr } }]
                : []),
            ],
          },
        ],
      },
    });
  }
  return out;
}
