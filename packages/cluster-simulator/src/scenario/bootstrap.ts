/*
 * Brings a simulated cluster to its scenario's starting state: system
 * namespaces and workloads, nodes of every pool, Karpenter NodePools, the
 * dcgm-exporter DaemonSet, team namespaces with GPU quotas, CRDs of the
 * operators, and the scenario's workloads.
 */
import {
  RESOURCE_TYPES,
  ResourceType,
  apiVersionOf,
  resourceByKind,
  resourceById,
} from '../api/resources';
import {
  DRIVER_ANNOTATION,
  PROVISION_ANNOTATION,
} from '../controllers/karpenterController';
import { GPU_MODELS, INSTANCE_TYPES } from '../sim/gpuCatalog';
import { pinnedImage } from '../sim/imageCatalog';
import { NodeShape, buildNode } from '../sim/nodeFactory';
import { SimCluster } from '../sim/simCluster';
import { KubeObject } from '../store/storedObject';
import { renderWorkload } from './renderWorkload';
import { podSecurityLabels, storageClassesOf } from './storageClasses';
import { ClusterSpec, NodePoolSpec } from './schema';

const R = (id: string) => resourceById(id);

function create(cluster: SimCluster, obj: KubeObject): void {
  const r = resourceByKind(obj.apiVersion!, obj.kind!);
  if (!r)
    throw new Error(
      `scenario object of unknown kind ${obj.apiVersion}/${obj.kind}`,
    );
  cluster.api.create(r, obj.metadata?.namespace, obj, {
    internal: true,
    manager: 'inference-platform',
  });
}

/** The node shape of a scenario pool. */
export function shapeOf(pool: NodePoolSpec): NodeShape {
  const it = INSTANCE_TYPES[pool.instanceType];
  if (!it)
    throw new Error(
      `unknown instance type "${pool.instanceType}" (known: ${Object.keys(
        INSTANCE_TYPES,
      ).join(', ')})`,
    );
  const product = pool.gpu ?? it.gpuProduct;
  const gpu = product ? GPU_MODELS[product] : undefined;
  if (product && !gpu) throw new Error(`unknown GPU product "${product}"`);
  return {
    pool: pool.name,
    instanceType: pool.gpu && it.gpus === 0 ? { ...it, gpus: 1 } : it,
    gpu,
    driver: pool.driver,
    capacityType: pool.capacityType,
    mig: pool.mig,
    taints:
      gpu && pool.taintGpu
        ? [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]
        : [],
    managedBy: gpu ? 'karpenter' : 'nodegroup',
  };
}

function nodePool(pool: NodePoolSpec, shape: NodeShape): KubeObject {
  const gpusNow = pool.nodes * shape.instanceType.gpus;
  const limit = pool.karpenter?.limitGpus ?? gpusNow;
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: {
      name: pool.name,
      annotations: {
        [DRIVER_ANNOTATION]: pool.driver,
        [PROVISION_ANNOTATION]: String(pool.karpenter?.provisionSeconds ?? 90),
        'karpenter.sh/nodepool-hash-version': 'v3',
      },
    },
    spec: {
      template: {
        metadata: {
          labels: shape.gpu
            ? { 'nvidia.com/gpu.product': shape.gpu.product }
            : {},
        },
        spec: {
          nodeClassRef: {
            group: 'karpenter.k8s.aws',
            kind: 'EC2NodeClass',
            name: 'gpu',
          },
          requirements: [
            {
              key: 'node.kubernetes.io/instance-type',
              operator: 'In',
              values: [pool.instanceType],
            },
            {
              key: 'karpenter.sh/capacity-type',
              operator: 'In',
              values: [pool.capacityType],
            },
            ...(shape.gpu
              ? [
                  {
                    key: 'karpenter.k8s.aws/instance-gpu-name',
                    operator: 'In',
                    values: [shape.gpu.karpenterName],
                  },
                ]
              : []),
          ],
          ...(shape.taints.length ? { taints: shape.taints } : {}),
          expireAfter: '720h',
        },
      },
      disruption: {
        consolidationPolicy: 'WhenEmpty',
        consolidateAfter:
          pool.karpenter?.consolidateAfterSeconds !== undefined
            ? `${pool.karpenter.consolidateAfterSeconds}s`
            : 'Never',
        budgets: [{ nodes: '10%' }],
      },
      limits: { 'nvidia.com/gpu': String(limit) },
      ...(pool.karpenter?.weight !== undefined
        ? { weight: pool.karpenter.weight }
        : {}),
    },
  };
}

function crd(r: ResourceType): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${r.plural}.${r.group}` },
    spec: {
      group: r.group,
      names: {
        kind: r.kind,
        listKind: r.listKind,
        plural: r.plural,
        singular: r.singular,
        ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      },
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: r.version,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              'x-kubernetes-preserve-unknown-fields': true,
            },
          },
          subresources: r.subresources.includes('status')
            ? { status: {} }
            : undefined,
        },
      ],
    },
    status: {
      acceptedNames: { kind: r.kind, plural: r.plural },
      storedVersions: [r.version],
      conditions: [
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
    },
  };
}

function systemWorkloads(): KubeObject[] {
  const tolerateAll = [{ operator: 'Exists' }];
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'kube-proxy',
        namespace: 'kube-system',
        labels: {
          'k8s-app': 'kube-proxy',
          'eks.amazonaws.com/component': 'kube-proxy',
        },
      },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            priorityClassName: 'system-node-critical',
            tolerations: tolerateAll,
            containers: [
              {
                name: 'kube-proxy',
                image:
                  '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2',
                resources: { requests: { cpu: '100m' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'coredns',
        namespace: 'kube-system',
        labels: {
          'k8s-app': 'kube-dns',
          'eks.amazonaws.com/component': 'coredns',
        },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            priorityClassName: 'system-cluster-critical',
            containers: [
              {
                name: 'coredns',
                image:
                  '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2',
                resources: {
                  requests: { cpu: '100m', memory: '70Mi' },
                  limits: { memory: '170Mi' },
                },
                ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }],
              },
            ],
          },
        },
      },
    },
  ];
}

function dcgmExporter(): KubeObject {
  const labels = {
    app: 'nvidia-dcgm-exporter',
    'app.kubernetes.io/name': 'dcgm-exporter',
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'nvidia-dcgm-exporter',
      namespace: 'gpu-operator',
      labels,
    },
    spec: {
      selector: { matchLabels: { app: 'nvidia-dcgm-exporter' } },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': '9400',
          },
        },
        spec: {
          nodeSelector: { 'nvidia.com/gpu.deploy.dcgm-exporter': 'true' },
          tolerations: [
            { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'nvidia-dcgm-exporter',
              image: pinnedImage(
                'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless',
              ),
              ports: [
                { name: 'metrics', containerPort: 9400, protocol: 'TCP' },
              ],
              env: [
                { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
                { name: 'DCGM_EXPORTER_LISTEN', value: ':9400' },
              ],
              resources: {
                requests: { cpu: '50m', memory: '128Mi' },
                limits: { memory: '512Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

/**
 * The Services of the KEDA HTTP add-on chart (kedacore/charts http-add-on:
 * templates/interceptor/service-proxy.yaml, port `proxy` 8080 by default;
 * templates/scaler/service.yaml, gRPC 9090). The simulator serves the
 * interceptor on the control port (`/clusters/<name>/interceptor/...`).
 */
function kedaHttpAddOnServices(): KubeObject[] {
  const svc = (
    name: string,
    component: string,
    portName: string,
    port: number,
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'keda',
      labels: {
        'app.kubernetes.io/component': component,
        'app.kubernetes.io/name': 'http-add-on',
        'app.kubernetes.io/part-of': 'keda-add-ons-http',
      },
    },
    spec: {
      ports: [{ name: portName, port, targetPort: portName, protocol: 'TCP' }],
      selector: {
        'app.kubernetes.io/component': component,
        'app.kubernetes.io/name': 'http-add-on',
      },
    },
  });
  return [
    svc('keda-add-ons-http-interceptor-proxy', 'interceptor', 'proxy', 8080),
    svc('keda-add-ons-http-external-scaler', 'scaler', 'grpc', 9090),
  ];
}

/** Creates every object of a cluster's starting state. */
export function bootstrapCluster(cluster: SimCluster, spec: ClusterSpec): void {
  const ns = (name: string, labels: Record<string, string> = {}) =>
    create(cluster, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels },
    });
  for (const n of [
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    'gpu-operator',
    'karpenter',
    'keda',
    'monitoring',
    'ingress-nginx',
  ])
    ns(n);
  for (const o of kedaHttpAddOnServices()) create(cluster, o);
  for (const r of RESOURCE_TYPES.filter(x => x.custom)) create(cluster, crd(r));
  for (const sc of storageClassesOf(spec)) create(cluster, sc);
  void apiVersionOf;
  const zones = ['a', 'b', 'c'].map(z => `${spec.region}${z}`);
  const addNodes = (shape: NodeShape, count: number) => {
    for (let i = 0; i < count; i++) {
      let node = buildNode({
        shape,
        region: spec.region,
        zone: zones[i % zones.length],
        kubeletVersion: `${spec.kubernetesVersion}-eks-aeac579`,
        createdAt: cluster.clock.nowIso(),
        ready: true,
        rng: cluster.rng,
      });
      while (
        cluster.store.get(R('core/nodes'), undefined, node.metadata!.name!)
      ) {
        node = buildNode({
          shape,
          region: spec.region,
          zone: zones[i % zones.length],
          kubeletVersion: `${spec.kubernetesVersion}-eks-aeac579`,
          createdAt: cluster.clock.nowIso(),
          ready: true,
          rng: cluster.rng,
        });
      }
      create(cluster, node);
    }
  };
  const systemShape: NodeShape = {
    pool: 'system',
    instanceType:
      INSTANCE_TYPES[spec.systemPool.instanceType] ??
      INSTANCE_TYPES['m6i.xlarge'],
    driver: '',
    capacityType: 'on-demand',
    taints: [],
    managedBy: 'nodegroup',
  };
  addNodes(systemShape, spec.systemPool.nodes);
  for (const pool of spec.nodePools) {
    const shape = shapeOf(pool);
    addNodes(shape, pool.nodes);
    if (shape.gpu) create(cluster, nodePool(pool, shape));
  }
  if (spec.systemWorkloads)
    for (const o of systemWorkloads()) create(cluster, o);
  if (spec.dcgmExporter && spec.nodePools.some(p => shapeOf(p).gpu))
    create(cluster, dcgmExporter());
  const teamNamespaces = new Map(spec.namespaces.map(n => [n.name, n]));
  for (const w of spec.workloads) {
    if (!teamNamespaces.has(w.namespace))
      teamNamespaces.set(w.namespace, {
        name: w.namespace,
        team: w.team,
        labels: {},
      });
  }
  for (const n of teamNamespaces.values()) {
    ns(n.name, {
      ...(n.team ? { 'inference-platform.io/owner': n.team } : {}),
      ...podSecurityLabels(n.podSecurity),
      ...n.labels,
    });
    create(cluster, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hf-token', namespace: n.name },
      type: 'Opaque',
      data: { token: Buffer.from('hf_simulated_token').toString('base64') },
    });
    if (n.quota) {
      create(cluster, {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: {
          name: 'gpu-quota',
          namespace: n.name,
          labels: n.team ? { 'inference-platform.io/owner': n.team } : {},
        },
        spec: { hard: n.quota },
      });
    }
  }
  for (const w of spec.workloads) {
    cluster.profiles.set(w.namespace, w.name, {
      load: w.load,
      failure: w.failure,
      modelLoadSeconds: w.modelLoadSeconds,
      metricNames: w.metricNames,
    });
    if (w.kind === 'InferenceService')
      cluster.profiles.set(
        w.namespace,
        `${w.name}-predictor`,
        cluster.profiles.get(w.namespace, w.name)!,
      );
    for (const o of renderWorkload(w, spec)) create(cluster, o);
  }
}
